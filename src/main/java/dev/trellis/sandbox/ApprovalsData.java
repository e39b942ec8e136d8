package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Job approvals: a flow per approved job (open_job), its approver groups in order, and the approvers of each group.
 * A flow is approved when all its groups resolved, and a group resolves with its approvals_required approvals.
 */
final class ApprovalsData extends GeneratedArea {
    static final int GROUPS_PER_FLOW = 2;
    static final int APPROVERS_PER_GROUP = 2;

    ApprovalsData(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        put(s, overrides, Resource.APPROVAL_FLOWS, s.get(Resource.JOBS) / 2);
        put(s, overrides, Resource.APPROVER_GROUPS, s.get(Resource.APPROVAL_FLOWS) * GROUPS_PER_FLOW);
        put(s, overrides, Resource.APPROVERS, s.get(Resource.APPROVER_GROUPS) * APPROVERS_PER_GROUP);
    }

    /** A flow's status follows its job: drafts wait for approval, opened jobs were approved. */
    private String flowStatus(long flow) {
        String job = org.jobStatus(parent(Resource.APPROVAL_FLOWS, flow));
        return job.equals("draft") ? "pending" : "approved";
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case APPROVAL_FLOWS -> {
                Gen g = gen(r, i);
                o.put("job_id", id(Resource.JOBS, parent(r, i)));
                o.putNull("offer_id");
                o.put("approval_type", "open_job");
                o.put("sequential", true);
                o.put("version", 1);
                o.put("requested_by_id", id(Resource.USERS, org.humanUserIndex(g)));
                o.put("approval_status", flowStatus(i));
            }
            case APPROVER_GROUPS -> {
                long flow = parent(r, i);
                o.put("approval_flow_id", id(Resource.APPROVAL_FLOWS, flow));
                o.put("approvals_required", 1);
                o.put("sort_order", nth(r, i));
                resolved(o, r, i, flowStatus(flow).equals("approved"));
            }
            case APPROVERS -> {
                Gen g = gen(r, i);
                long group = parent(r, i);
                boolean approved = flowStatus(parent(Resource.APPROVER_GROUPS, group)).equals("approved");
                // one approval resolves the group: the first approver approves, the others stay waiting
                boolean first = nth(r, i) == 0;
                o.put("approver_group_id", id(Resource.APPROVER_GROUPS, group));
                o.put("user_id", id(Resource.USERS, org.humanUserIndex(g)));
                o.put("status", approved ? (first ? "approved" : "waiting") : (first ? "due" : "waiting"));
                o.put("request_sent_at", Timeline.iso(time.created(r, i)));
                resolved(o, r, i, approved && first);
            }
            default -> {
                return false;
            }
        }
        stamp(o, r, i);
        return true;
    }

    private void resolved(ObjectNode o, Resource r, long i, boolean resolved) {
        if (resolved) {
            o.put("resolved_at", Timeline.iso(time.created(r, i) + Timeline.DAY));
        } else {
            o.putNull("resolved_at");
        }
    }
}
