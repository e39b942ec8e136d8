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

    ResourceAreas(long seed, Timeline time, OrgGenerator org) {
        this.areas = List.of(new RecruitingDefinitions(seed, time, org), new UserAccessData(seed, time, org),
                new DemographicsData(seed, time, org), new ApprovalsData(seed, time, org),
                new InterviewPlanData(seed, time, org), new CandidateProfileData(seed, time, org));
    }

    /** Record {@code i} of {@code r}, whose id {@code o} already holds. */
    ObjectNode generate(Resource r, long i, ObjectNode o) {
        for (GeneratedArea area : areas) {
            if (area.fill(r, o, i)) {
                return o;
            }
        }
        throw new IllegalArgumentException(r.path());
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
