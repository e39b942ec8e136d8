package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The resources generated outside {@link OrgGenerator}, by area: their sizes, their records and their filters
 * (docs/greenhouse.md#resources-added-by-area).
 */
final class ResourceAreas {
    private final List<GeneratedArea> areas;
    private final CandidateProfileData profiles;
    private final Timeline time;
    private volatile Long rejectionGaps;

    ResourceAreas(long seed, Timeline time, OrgGenerator org) {
        this.time = time;
        this.profiles = new CandidateProfileData(seed, time, org);
        this.areas = List.of(new RecruitingDefinitions(seed, time, org), new UserAccessData(seed, time, org),
                new DemographicsData(seed, time, org), new ApprovalsData(seed, time, org),
                new InterviewPlanData(seed, time, org), profiles);
    }

    /** Record {@code i} of {@code r}, whose id {@code o} already holds; null for a gap (see {@link #exists}). */
    ObjectNode generate(Resource r, long i, ObjectNode o) {
        if (!exists(r, i)) {
            return null;
        }
        for (GeneratedArea area : areas) {
            if (area.fill(r, o, i)) {
                return o;
            }
        }
        throw new IllegalArgumentException(r.path());
    }

    /**
     * Whether generated record {@code i} of {@code r} exists. Rejection details exist for rejected applications only,
     * so the resource has one index per application and a gap for each application not rejected.
     */
    boolean exists(Resource r, long i) {
        return r != Resource.REJECTION_DETAILS || profiles.exists(r, i);
    }

    /** How many indexes of {@code r}'s generated range are gaps (counted once, then kept). */
    long gaps(Resource r) {
        if (r != Resource.REJECTION_DETAILS) {
            return 0;
        }
        Long n = rejectionGaps;
        if (n == null) {
            long count = 0;
            for (long i = 1; i <= time.size(r); i++) {
                count += exists(r, i) ? 0 : 1;
            }
            rejectionGaps = n = count;
        }
        return n;
    }

    /** Default sizes, after the original resources' (they derive from candidates, jobs, applications...). */
    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        RecruitingDefinitions.sizes(s, overrides);
        UserAccessData.sizes(s, overrides);
        DemographicsData.sizes(s, overrides);
        ApprovalsData.sizes(s, overrides);
        InterviewPlanData.sizes(s, overrides);
        CandidateProfileData.sizes(s, overrides);
    }
}
