package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A job's interview plan and what hangs off it: one interview (slot) per stage, its interview kit, the kit's
 * scorecard questions; the attribute ratings on scorecards; and the job's notes.
 */
final class InterviewPlanData extends GeneratedArea {
    static final String[] QUESTIONS = {"<p>How did the candidate approach the problem?</p>",
        "<p>Would you like to work with this person?</p>", "<p>Which level fits the candidate?</p>"};
    static final String[] ANSWER_TYPES = {"text", "yes_no", "single_select"};
    static final String[] RATINGS = {"definitely_not", "no", "yes", "strong_yes", "mixed", "no_decision"};
    static final String[] SCHEDULING = {"none", "needs_scheduling", "take_home_test", "needs_scheduling",
        "needs_scheduling", "offer"};

    InterviewPlanData(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        put(s, overrides, Resource.JOB_INTERVIEWS, s.get(Resource.JOB_INTERVIEW_STAGES));
        put(s, overrides, Resource.INTERVIEW_KITS, s.get(Resource.JOB_INTERVIEWS));
        put(s, overrides, Resource.SCORECARD_QUESTIONS, s.get(Resource.INTERVIEW_KITS) * QUESTIONS.length);
        put(s, overrides, Resource.SCORECARD_CANDIDATE_ATTRIBUTES, s.get(Resource.SCORECARDS) * 2);
        put(s, overrides, Resource.JOB_NOTES, s.get(Resource.JOBS));
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case JOB_INTERVIEWS -> jobInterview(o, i);
            case INTERVIEW_KITS -> {
                Gen g = gen(r, i);
                long slot = parent(r, i);
                o.put("job_id", id(Resource.JOBS, jobOfSlot(slot)));
                o.put("job_interview_id", id(Resource.JOB_INTERVIEWS, slot));
                o.put("exercises", "<p>Walk through a recent project; probe for trade-offs.</p>");
                o.put("anonymize_candidate", g.chance(0.1));
                o.put("anonymize_resumes", g.chance(0.1));
            }
            case SCORECARD_QUESTIONS -> {
                int nth = (int) nth(r, i);
                o.put("interview_kit_id", id(Resource.INTERVIEW_KITS, parent(r, i)));
                o.put("question", cycle(QUESTIONS, nth + 1));
                o.put("sort_order", nth);
                o.put("active", true);
                o.put("answer_type", ANSWER_TYPES[nth % ANSWER_TYPES.length]);
                o.put("required", nth == 0);
            }
            case SCORECARD_CANDIDATE_ATTRIBUTES -> {
                Gen g = gen(r, i);
                o.put("scorecard_id", id(Resource.SCORECARDS, parent(r, i)));
                o.put("job_candidate_attribute_id", 30_000_000L + 1 + nth(r, i) + 10 * g.nextLong(5));
                o.put("candidate_attribute_rating", g.pick(RATINGS));
                o.put("note", g.chance(0.5) ? "Clear reasoning under time pressure." : null);
            }
            case JOB_NOTES -> {
                Gen g = gen(r, i);
                o.put("job_id", id(Resource.JOBS, parent(r, i)));
                o.put("user_id", id(Resource.USERS, org.humanUserIndex(g)));
                o.put("body", "Budget confirmed for " + org.jobName(parent(r, i)) + "; prioritise referrals.");
                o.put("visibility", g.chance(0.3) ? "admin_only_visible" : "privately_visible");
            }
            default -> {
                return false;
            }
        }
        stamp(o, r, i);
        return true;
    }

    /** The job of interview slot {@code slot} (one slot per stage, so the stage's job). */
    private long jobOfSlot(long slot) {
        return time.parentIndex(Resource.JOB_INTERVIEW_STAGES, parent(Resource.JOB_INTERVIEWS, slot));
    }

    private void jobInterview(ObjectNode o, long i) {
        Gen g = gen(Resource.JOB_INTERVIEWS, i);
        long stage = parent(Resource.JOB_INTERVIEWS, i);
        int order = (int) ((stage - 1) % OrgSizes.JOB_STAGES);
        String scheduling = SCHEDULING[order % SCHEDULING.length];
        o.put("job_interview_stage_id", id(Resource.JOB_INTERVIEW_STAGES, stage));
        o.put("job_id", id(Resource.JOBS, jobOfSlot(i)));
        o.put("sort_order", nth(Resource.JOB_INTERVIEWS, i));
        o.put("scheduling_type", scheduling);
        o.put("duration", scheduling.equals("needs_scheduling") ? 30 + 15 * g.nextInt(4) : 0);
        o.put("name", Names.STAGES[order]);
        o.put("active", true);
        o.put("require_scorecard", scheduling.equals("needs_scheduling") || scheduling.equals("take_home_test"));
    }
}
