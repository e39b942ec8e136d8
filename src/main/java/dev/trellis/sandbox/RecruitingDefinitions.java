package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Organisation-wide definitions: close reasons, e-mail templates, prospect pools and their stages, interviewer tags. */
final class RecruitingDefinitions extends GeneratedArea {
    static final String[] CLOSE_REASONS = {"Hire - New Headcount", "Hire - Backfill", "On Hold", "Requisition Cancelled",
        "Filled Internally"};
    static final String[] TEMPLATES = {"Interview Confirmation", "Rejection - After Phone Screen", "Availability Request",
        "Offer Follow-up", "Take Home Test", "Thank You For Applying"};
    static final String[] TEMPLATE_TYPES = {"interview_confirmation", "candidate_rejection", "availability_request",
        "offer", "take_home_test", "candidate_email"};
    static final String[] POOLS = {"Silver Medalists", "Engineering Talent Community", "Campus 2026", "Boomerangs"};
    static final String[] POOL_STAGES = {"Not Reviewed", "Contacted", "In Discussion", "Not Interested"};
    static final String[] INTERVIEWER_TAGS = {"Java", "System design", "Culture", "Leadership", "Frontend",
        "Bar Raiser"};

    RecruitingDefinitions(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        put(s, overrides, Resource.CLOSE_REASONS, CLOSE_REASONS.length);
        put(s, overrides, Resource.EMAIL_TEMPLATES, TEMPLATES.length);
        put(s, overrides, Resource.PROSPECT_POOLS, POOLS.length);
        put(s, overrides, Resource.PROSPECT_POOL_STAGES, s.get(Resource.PROSPECT_POOLS) * POOL_STAGES.length);
        put(s, overrides, Resource.INTERVIEWER_TAGS, INTERVIEWER_TAGS.length);
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case CLOSE_REASONS -> o.put("name", cycle(CLOSE_REASONS, i));
            case EMAIL_TEMPLATES -> template(o, i);
            case PROSPECT_POOLS -> pool(o, i);
            case PROSPECT_POOL_STAGES -> {
                long nth = nth(r, i);
                o.put("prospect_pool_id", id(Resource.PROSPECT_POOLS, parent(r, i)));
                o.put("name", cycle(POOL_STAGES, nth + 1));
                o.put("sort_order", nth);
            }
            case INTERVIEWER_TAGS -> o.put("name", cycle(INTERVIEWER_TAGS, i));
            default -> {
                return false;
            }
        }
        stamp(o, r, i);
        return true;
    }

    private void template(ObjectNode o, long i) {
        Gen g = gen(Resource.EMAIL_TEMPLATES, i);
        int t = (int) ((i - 1) % TEMPLATE_TYPES.length);
        String name = cycle(TEMPLATES, i);
        o.put("name", name);
        o.put("description", "Sandbox template «" + name + "»");
        o.put("default", i <= TEMPLATE_TYPES.length);
        o.put("type", TEMPLATE_TYPES[t]);
        o.put("from", "{{MY_EMAIL_ADDRESS}}");
        o.putArray("cc");
        o.put("body", "Hi {{CANDIDATE_FIRST_NAME}}, thank you for your time.");
        o.put("html_body", "<p>Hi {{CANDIDATE_FIRST_NAME}}, thank you for your <b>time</b>.</p>");
        o.put("user_id", id(Resource.USERS, org.humanUserIndex(g)));
    }

    private void pool(ObjectNode o, long i) {
        Gen g = gen(Resource.PROSPECT_POOLS, i);
        o.put("name", cycle(POOLS, i));
        o.put("active", i % 4 != 0);
        o.put("description", "Prospects for " + cycle(POOLS, i).toLowerCase());
        o.putArray("department_ids").add(id(Resource.DEPARTMENTS, 1 + g.nextLong(size(Resource.DEPARTMENTS))));
        o.putArray("office_ids").add(id(Resource.OFFICES, 1 + g.nextLong(size(Resource.OFFICES))));
        ArrayNode jobs = o.putArray("job_ids");
        jobs.add(id(Resource.JOBS, 1 + g.nextLong(size(Resource.JOBS))));
    }
}
