package dev.trellis.sandbox;

import java.util.EnumMap;
import java.util.Map;

/** Default sizes of the organisation as ratios of the candidate count. */
final class OrgSizes {
    private OrgSizes() {
    }

    static Map<Resource, Long> withDefaults(long candidates, Map<Resource, Long> overrides) {
        Map<Resource, Long> s = new EnumMap<>(Resource.class);
        long c = candidates;
        s.put(Resource.CANDIDATES, c);
        put(s, overrides, Resource.USERS, clamp(c / 200, 12, 20_000));
        put(s, overrides, Resource.OFFICES, 6);
        put(s, overrides, Resource.DEPARTMENTS, 10);
        put(s, overrides, Resource.SOURCES, 12);
        put(s, overrides, Resource.REJECTION_REASONS, 10);
        put(s, overrides, Resource.CUSTOM_FIELDS, 8);
        put(s, overrides, Resource.CANDIDATE_TAGS, 15);
        put(s, overrides, Resource.JOBS, clamp(c / 100, 5, 50_000));
        long jobs = s.get(Resource.JOBS);
        long customFields = s.get(Resource.CUSTOM_FIELDS);
        put(s, overrides, Resource.CUSTOM_FIELD_OPTIONS, customFields * 4);
        put(s, overrides, Resource.JOB_POSTS, jobs * 3 / 2);
        // exactly six stages per job: the generator maps stage sort_order from the index
        s.put(Resource.JOB_INTERVIEW_STAGES, jobs * JOB_STAGES);
        put(s, overrides, Resource.JOB_OWNERS, jobs * 2);
        put(s, overrides, Resource.JOB_HIRING_MANAGERS, jobs);
        put(s, overrides, Resource.OPENINGS, jobs * 3 / 2);
        put(s, overrides, Resource.APPLICATIONS, Math.max(c, c * 13 / 10));
        long apps = s.get(Resource.APPLICATIONS);
        // two per application: "Application Review" (exited) and the current stage
        s.put(Resource.APPLICATION_STAGES, apps * 2);
        put(s, overrides, Resource.INTERVIEWS, Math.max(1, apps * 6 / 10));
        put(s, overrides, Resource.INTERVIEWERS, s.get(Resource.INTERVIEWS) * 2);
        // one scorecard per interviewer row (Greenhouse's placeholder per panel member): the generator pairs them by index
        s.put(Resource.SCORECARDS, s.get(Resource.INTERVIEWERS));
        put(s, overrides, Resource.OFFERS, Math.max(1, apps / 20));
        put(s, overrides, Resource.NOTES, Math.max(1, c * 3 / 2));
        put(s, overrides, Resource.APPLIED_CANDIDATE_TAGS, Math.max(1, c * 2 / 5));
        ResourceAreas.sizes(s, overrides);
        if (s.get(Resource.APPLICATIONS) < c) {
            throw new IllegalArgumentException("applications must be at least the candidate count (every candidate has one)");
        }
        if (s.get(Resource.JOB_POSTS) < jobs) {
            throw new IllegalArgumentException("job_posts must be at least the job count (every job has one)");
        }
        if (s.get(Resource.USERS) < 12) {
            throw new IllegalArgumentException("users must be at least 12 (the first ones have fixed roles)");
        }
        return s;
    }

    static final int JOB_STAGES = 6;

    private static void put(Map<Resource, Long> s, Map<Resource, Long> overrides, Resource r, long dflt) {
        s.put(r, overrides.getOrDefault(r, Math.max(1, dflt)));
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
