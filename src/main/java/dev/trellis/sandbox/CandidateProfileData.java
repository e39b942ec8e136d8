package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What hangs off candidates and applications besides the pipeline: attachments, education and employment history,
 * prospect details and rejection details.
 */
final class CandidateProfileData extends GeneratedArea {
    static final String[] ATTACHMENT_TYPES = {"resume", "resume", "cover_letter", "take_home_test", "other"};
    static final String[] SCHOOLS = {"University of Oslo", "ETH Zürich", "Tokyo Institute of Technology",
        "University of Toronto", "Universidad de Buenos Aires"};

    CandidateProfileData(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        long c = s.get(Resource.CANDIDATES);
        long apps = s.get(Resource.APPLICATIONS);
        put(s, overrides, Resource.ATTACHMENTS, apps);
        put(s, overrides, Resource.CANDIDATE_EDUCATIONS, c / 2);
        put(s, overrides, Resource.CANDIDATE_EMPLOYMENTS, c);
        put(s, overrides, Resource.PROSPECT_DETAILS, apps / 10);
        // one index per application; those of applications not rejected are gaps (ResourceAreas#exists)
        s.put(Resource.REJECTION_DETAILS, apps);
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case ATTACHMENTS -> attachment(o, i);
            case CANDIDATE_EDUCATIONS -> education(o, i);
            case CANDIDATE_EMPLOYMENTS -> employment(o, i);
            case PROSPECT_DETAILS -> {
                Gen g = gen(r, i);
                long pools = size(Resource.PROSPECT_POOLS);
                long pool = 1 + g.nextLong(pools);
                long firstStage = time.firstChild(Resource.PROSPECT_POOL_STAGES, pool);
                long lastStage = time.lastChild(Resource.PROSPECT_POOL_STAGES, pool);
                o.put("application_id", id(Resource.APPLICATIONS, parent(r, i)));
                o.put("pool_id", id(Resource.PROSPECT_POOLS, pool));
                if (lastStage >= firstStage) {
                    o.put("pool_stage_id", id(Resource.PROSPECT_POOL_STAGES, firstStage + g.nextLong(lastStage - firstStage + 1)));
                } else {
                    o.putNull("pool_stage_id");
                }
                o.put("prospect_owner_id", id(Resource.USERS, org.humanUserIndex(g)));
                o.put("department_id", id(Resource.DEPARTMENTS, 1 + g.nextLong(size(Resource.DEPARTMENTS))));
                o.put("office_id", id(Resource.OFFICES, 1 + g.nextLong(size(Resource.OFFICES))));
            }
            case REJECTION_DETAILS -> rejection(o, i);
            default -> {
                return false;
            }
        }
        stamp(o, r, i);
        return true;
    }

    @Override
    boolean exists(Resource r, long i) {
        return r != Resource.REJECTION_DETAILS || org.applicationFacts(parent(r, i)).status().equals("rejected");
    }

    private void attachment(ObjectNode o, long i) {
        Gen g = gen(Resource.ATTACHMENTS, i);
        long a = parent(Resource.ATTACHMENTS, i);
        String type = nth(Resource.ATTACHMENTS, i) == 0 ? "resume" : g.pick(ATTACHMENT_TYPES);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("candidate_id", id(Resource.CANDIDATES, org.applicationFacts(a).candidateIndex()));
        o.put("type", type);
        String file = type + "_" + id(Resource.ATTACHMENTS, i) + ".pdf";
        o.put("filename", file);
        // Greenhouse's URLs are signed and expire after 7 days; the sandbox's are stable so that syncs compare equal
        o.put("url", "https://sandbox-attachments.example.com/" + id(Resource.ATTACHMENTS, i) + "/" + file);
    }

    private void education(ObjectNode o, long i) {
        Gen g = gen(Resource.CANDIDATE_EDUCATIONS, i);
        int start = 2005 + g.nextInt(15);
        int end = start + 3 + g.nextInt(3);
        o.put("candidate_id", id(Resource.CANDIDATES, parent(Resource.CANDIDATE_EDUCATIONS, i)));
        o.put("school_name", g.pick(SCHOOLS));
        // option ids of the organisation's education fields (/v3/custom_field_options?custom_field_key=...)
        o.putNull("school_name_custom_field_option_id");
        o.putNull("degree_custom_field_option_id");
        o.putNull("discipline_custom_field_option_id");
        o.put("start_at", start + "-09-01T00:00:00.000Z");
        o.put("end_at", end + "-06-30T00:00:00.000Z");
        o.put("start_month", 9);
        o.put("start_year", start);
        o.put("end_month", 6);
        o.put("end_year", end);
        o.put("latest", nth(Resource.CANDIDATE_EDUCATIONS, i) == 0);
    }

    private void employment(ObjectNode o, long i) {
        Gen g = gen(Resource.CANDIDATE_EMPLOYMENTS, i);
        long c = parent(Resource.CANDIDATE_EMPLOYMENTS, i);
        long first = time.firstChild(Resource.CANDIDATE_EMPLOYMENTS, c);
        long last = time.lastChild(Resource.CANDIDATE_EMPLOYMENTS, c);
        int start = 2010 + g.nextInt(12);
        boolean current = i == last;
        o.put("candidate_id", id(Resource.CANDIDATES, c));
        o.put("company_name", g.pick(Names.COMPANIES));
        o.put("title", g.pick(Names.TITLES));
        o.put("start_date", start + "-0" + (1 + g.nextInt(9)) + "-01");
        if (current) {
            o.putNull("end_date");
        } else {
            o.put("end_date", (start + 1 + g.nextInt(3)) + "-12-31");
        }
        o.put("latest", current && i >= first);
    }

    private void rejection(ObjectNode o, long i) {
        Gen g = gen(Resource.REJECTION_DETAILS, i);
        long a = parent(Resource.REJECTION_DETAILS, i);
        JsonNode app = org.generate(Resource.APPLICATIONS, a);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("rejected_by_id", g.chance(0.1) ? null : id(Resource.USERS, org.humanUserIndex(g)));
        // the rejection the (rejected) application shows
        o.set("rejection_reason_id", app.get("rejection_reason_id"));
        o.set("rejected_at", app.get("rejected_at"));
        o.putNull("rejection_note_id");
        o.putObject("question_custom_fields");
    }
}
