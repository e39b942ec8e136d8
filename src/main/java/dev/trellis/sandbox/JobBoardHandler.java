package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Job Board API under {@code /v1/boards/{board_token}} (docs/greenhouse.md#job-board): public GETs (no auth, JSONP via
 * {@code callback}) of the board, its live job posts, departments and offices; and the application POST, which needs
 * HTTP Basic with the Job Board API key and creates a candidate with an application that Harvest then lists.
 */
final class JobBoardHandler implements Handler {
    private static final Pattern CALLBACK = Pattern.compile("[A-Za-z0-9_.]+");
    private static final Pattern URL_LIKE = Pattern.compile("(?i)(https?://|www\\.)");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final List<String> ATTACHMENT_TYPES = List.of("pdf", "doc", "docx", "txt", "rtf");

    private final Organisation org;
    private final OrgChanges changes;
    private final String boardToken;
    private final String boardApiKey;

    JobBoardHandler(Organisation org, OrgChanges changes, String boardToken, String boardApiKey) {
        this.org = org;
        this.changes = changes;
        this.boardToken = boardToken;
        this.boardApiKey = boardApiKey;
    }

    private static ApiException notFound(String what) {
        return ApiException.of(404, Json.object().put("status", 404).put("error", what + " not found"));
    }

    @Override
    public Reply handle(SandboxRequest req) {
        String[] parts = req.path.substring("/v1/boards/".length()).split("/");
        if (!parts[0].equals(boardToken)) {
            throw ApiException.of(404, Json.object().put("status", 404)
                    .put("error", "Could not find a job board with token '" + parts[0] + "'"));
        }
        if (req.method.equals("POST") && parts.length == 3 && parts[1].equals("jobs")) {
            return apply(req, id(parts[2]));
        }
        if (!req.method.equals("GET")) {
            throw notFound("Route");
        }
        JsonNode body;
        if (parts.length == 1) {
            body = Json.object().put("name", "Trellis Sandbox Careers")
                    .put("content", "<p>We are a sandbox organisation — «all» jobs are fictional.</p>");
        } else if (parts[1].equals("jobs") && parts.length == 2) {
            body = jobs(req.query.containsKey("content") && "true".equals(req.query.get("content")));
        } else if (parts[1].equals("jobs") && parts.length == 3) {
            body = job(id(parts[2]), "true".equals(req.query.get("questions")),
                    "true".equals(req.query.get("pay_transparency")));
        } else if (parts[1].equals("departments")) {
            body = departments(parts.length == 3 ? id(parts[2]) : null);
        } else if (parts[1].equals("offices")) {
            body = offices(parts.length == 3 ? id(parts[2]) : null);
        } else {
            throw notFound("Route");
        }
        String callback = req.query.get("callback");
        if (callback != null && CALLBACK.matcher(callback).matches()) {
            return Reply.text(200, "application/javascript; charset=utf-8",
                    callback + "(" + new String(Json.bytes(body), StandardCharsets.UTF_8) + ")");
        }
        return Reply.json(200, body);
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw notFound("Job");
        }
    }

    /** Live posts on the public board whose job is open. */
    private List<ObjectNode> livePosts() {
        List<ObjectNode> posts = new ArrayList<>();
        org.forEach(Resource.JOB_POSTS, p -> {
            if (isLive(p)) {
                posts.add(p);
            }
        });
        posts.sort((a, b) -> Long.compare(b.get("id").asLong(), a.get("id").asLong()));
        return posts;
    }

    private boolean isLive(ObjectNode post) {
        if (!post.path("live").asBoolean() || !post.path("active").asBoolean()
                || post.path("job_board_id").asLong() != OrgGenerator.EXTERNAL_BOARD_ID) {
            return false;
        }
        ObjectNode job = org.get(Resource.JOBS, post.path("job_id").asLong());
        return job != null && "open".equals(job.path("status").asText());
    }

    private static String escapeHtml(String html) {
        return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private ObjectNode boardJob(ObjectNode post, boolean content) {
        ObjectNode job = org.get(Resource.JOBS, post.path("job_id").asLong());
        ObjectNode o = Json.object();
        o.set("id", post.get("id"));
        o.set("internal_job_id", post.get("job_id"));
        o.set("title", post.get("title"));
        o.set("updated_at", post.get("updated_at"));
        o.set("requisition_id", job.get("requisition_id"));
        String office = officeName(job);
        o.putObject("location").put("name", office);
        o.set("absolute_url", post.get("public_url"));
        o.set("language", post.get("language"));
        o.putNull("metadata");
        if (content) {
            o.put("content", escapeHtml(post.path("content").asText()));
            ObjectNode dept = org.get(Resource.DEPARTMENTS, job.path("department_id").asLong());
            ArrayNode depts = o.putArray("departments");
            if (dept != null) {
                ObjectNode d = depts.addObject();
                d.set("id", dept.get("id"));
                d.put("name", dept.path("name").asText());
                d.set("parent_id", dept.get("parent_id"));
            }
            ArrayNode offices = o.putArray("offices");
            for (JsonNode officeId : job.path("office_ids")) {
                ObjectNode off = org.get(Resource.OFFICES, officeId.asLong());
                if (off != null) {
                    ObjectNode f = offices.addObject();
                    f.set("id", off.get("id"));
                    f.put("name", off.path("name").asText());
                    f.set("location", off.get("location"));
                }
            }
        }
        return o;
    }

    private String officeName(ObjectNode job) {
        JsonNode first = job.path("office_ids").path(0);
        ObjectNode off = first.isMissingNode() ? null : org.get(Resource.OFFICES, first.asLong());
        return off == null ? "Remote" : off.path("location").asText();
    }

    private ObjectNode jobs(boolean content) {
        ArrayNode list = Json.array();
        for (ObjectNode p : livePosts()) {
            list.add(boardJob(p, content));
        }
        ObjectNode o = Json.object();
        o.set("jobs", list);
        o.putObject("meta").put("total", list.size());
        return o;
    }

    private ObjectNode job(long postId, boolean questions, boolean pay) {
        ObjectNode post = org.get(Resource.JOB_POSTS, postId);
        if (post == null || !isLive(post)) {
            throw notFound("Job");
        }
        ObjectNode o = boardJob(post, true);
        if (questions) {
            ArrayNode qs = o.putArray("questions");
            for (JsonNode q : post.path("questions")) {
                ObjectNode bq = qs.addObject();
                bq.set("required", q.get("required"));
                bq.set("label", q.get("label"));
                bq.set("description", q.get("description"));
                ArrayNode values = Json.array();
                for (JsonNode opt : q.path("options")) {
                    values.addObject().set("value", opt.get("id"));
                    ((ObjectNode) values.get(values.size() - 1)).set("label", opt.get("label"));
                }
                bq.putArray("fields").addObject().set("name", q.get("name"));
                ((ObjectNode) bq.get("fields").get(0)).set("type", q.get("answer_type"));
                ((ObjectNode) bq.get("fields").get(0)).set("values", values);
            }
            o.putArray("location_questions");
            o.putArray("compliance");
            o.putNull("demographic_questions");
        }
        if (pay) {
            o.putArray("pay_input_ranges");
        }
        o.putArray("data_compliance").addObject().put("type", "gdpr").put("requires_consent", false)
                .put("requires_processing_consent", false).put("requires_retention_consent", false)
                .putNull("retention_period");
        return o;
    }

    private Map<Long, List<ObjectNode>> jobsByDepartment(List<ObjectNode> posts) {
        Map<Long, List<ObjectNode>> by = new LinkedHashMap<>();
        for (ObjectNode p : posts) {
            ObjectNode job = org.get(Resource.JOBS, p.path("job_id").asLong());
            by.computeIfAbsent(job.path("department_id").asLong(), k -> new ArrayList<>()).add(boardJob(p, false));
        }
        return by;
    }

    private ObjectNode department(ObjectNode d, Map<Long, List<ObjectNode>> byDept) {
        ObjectNode o = Json.object();
        o.set("id", d.get("id"));
        o.set("name", d.get("name"));
        o.set("parent_id", d.get("parent_id"));
        ArrayNode children = o.putArray("child_ids");
        long id = d.get("id").asLong();
        org.forEach(Resource.DEPARTMENTS, c -> {
            if (c.path("parent_id").asLong() == id) {
                children.add(c.get("id"));
            }
        });
        ArrayNode jobs = o.putArray("jobs");
        byDept.getOrDefault(id, List.of()).forEach(jobs::add);
        return o;
    }

    private ObjectNode departments(Long id) {
        Map<Long, List<ObjectNode>> byDept = jobsByDepartment(livePosts());
        if (id != null) {
            ObjectNode d = org.get(Resource.DEPARTMENTS, id);
            if (d == null) {
                throw notFound("Department");
            }
            return department(d, byDept);
        }
        ArrayNode list = Json.array();
        org.forEach(Resource.DEPARTMENTS, d -> list.add(department(d, byDept)));
        ObjectNode o = Json.object();
        o.set("departments", list);
        return o;
    }

    private ObjectNode office(ObjectNode off, List<ObjectNode> posts) {
        ObjectNode o = Json.object();
        o.set("id", off.get("id"));
        o.set("name", off.get("name"));
        o.set("location", off.get("location"));
        o.set("parent_id", off.get("parent_id"));
        long id = off.get("id").asLong();
        List<ObjectNode> here = new ArrayList<>();
        for (ObjectNode p : posts) {
            ObjectNode job = org.get(Resource.JOBS, p.path("job_id").asLong());
            for (JsonNode oid : job.path("office_ids")) {
                if (oid.asLong() == id) {
                    here.add(p);
                }
            }
        }
        Map<Long, List<ObjectNode>> byDept = jobsByDepartment(here);
        ArrayNode depts = o.putArray("departments");
        for (Map.Entry<Long, List<ObjectNode>> e : byDept.entrySet()) {
            ObjectNode d = org.get(Resource.DEPARTMENTS, e.getKey());
            ObjectNode row = depts.addObject();
            row.put("id", e.getKey());
            row.set("name", d == null ? null : d.get("name"));
            ArrayNode jobs = row.putArray("jobs");
            e.getValue().forEach(jobs::add);
        }
        return o;
    }

    private ObjectNode offices(Long id) {
        List<ObjectNode> posts = livePosts();
        if (id != null) {
            ObjectNode off = org.get(Resource.OFFICES, id);
            if (off == null) {
                throw notFound("Office");
            }
            return office(off, posts);
        }
        ArrayNode list = Json.array();
        org.forEach(Resource.OFFICES, off -> list.add(office(off, posts)));
        ObjectNode o = Json.object();
        o.set("offices", list);
        return o;
    }

    // ---- application POST --------------------------------------------------------------------------------------

    private static ApiException rejected(String reason, String field) {
        return ApiException.of(422, Json.object().put("error", "Failed to save person").put("reason", reason)
                .put("field", field));
    }

    private Reply apply(SandboxRequest req, long postId) {
        String[] basic = TokenIssuer.basic(req.header("Authorization"));
        if (basic == null || !basic[0].equals(boardApiKey)) {
            return Reply.json(401, Json.object().put("status", 401)
                    .put("error", "Invalid Basic Auth credentials (use the Job Board API key as user name)"))
                    .header("WWW-Authenticate", "Basic realm=\"boards\"");
        }
        ObjectNode post = org.get(Resource.JOB_POSTS, postId);
        if (post == null || !isLive(post)) {
            throw notFound("Job");
        }
        Map<String, String> fields = ApplicationForm.parse(req);
        for (String f : List.of("first_name", "last_name", "email")) {
            String v = fields.get(f);
            if (v == null || v.isBlank()) {
                throw rejected(f + " is required", f);
            }
            if (v.length() > 255) {
                throw rejected(f + " is longer than 255 characters", f);
            }
        }
        for (String f : List.of("first_name", "last_name", "phone")) {
            if (fields.containsKey(f) && URL_LIKE.matcher(fields.get(f)).find()) {
                throw rejected(f + " must not contain a URL", f);
            }
        }
        if (!EMAIL.matcher(fields.get("email")).matches()) {
            throw rejected("email is not a valid e-mail address", "email");
        }
        for (String f : List.of("resume", "cover_letter")) {
            String name = fields.get(f + "_content_filename");
            if (name == null) {
                name = fields.get(f + "_filename");
            }
            if (name != null) {
                String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
                if (!ATTACHMENT_TYPES.contains(ext)) {
                    throw rejected(f + " must be a pdf, doc, docx, txt or rtf file", f);
                }
            }
            if ("0".equals(fields.get(f + "_size"))) {
                throw rejected(f + " is empty", f);
            }
        }
        ObjectNode candidate = OrgChanges.candidateFields(fields.get("first_name"), fields.get("last_name"), null, null);
        candidate.withArray("email_addresses").addObject().put("value", fields.get("email")).put("type", "personal");
        if (fields.containsKey("phone")) {
            candidate.withArray("phone_numbers").addObject().put("value", fields.get("phone")).put("type", "mobile");
        }
        long jobId = post.path("job_id").asLong();
        long recruiter = OrgGenerator.id(Resource.USERS, OrgGenerator.SITE_ADMIN);
        OrgChanges.Created created = changes.createCandidate(candidate, jobId, false, OrgGenerator.JOB_BOARD_SOURCE,
                recruiter, postId);
        ArrayNode answers = Json.array();
        for (JsonNode q : post.path("questions")) {
            String name = q.path("name").asText();
            if (name.startsWith("question_") && fields.containsKey(name)) {
                answers.addObject().set("question", q.get("label"));
                ((ObjectNode) answers.get(answers.size() - 1)).put("answer", fields.get(name));
            }
        }
        if (!answers.isEmpty()) {
            org.update(Resource.APPLICATIONS, created.application().get("id").asLong(), a -> a.set("answers", answers));
        }
        return Reply.json(200, Json.object().put("success", "Candidate saved successfully"));
    }
}
