package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * Changes over time, as in a live organisation: candidate updates, stage moves and rejections, new candidates and
 * jobs, deletions of candidates, job posts and interviews. The sequence is drawn from the seed.
 */
final class Churn {
    private final Organisation org;
    private final OrgChanges changes;
    private final Random random;

    Churn(Organisation org, OrgChanges changes, long seed) {
        this.org = org;
        this.changes = changes;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** Makes one change; returns a short description of it. */
    synchronized String step() {
        int roll = random.nextInt(100);
        for (int attempt = 0; attempt < 20; attempt++) {
            String done = tryStep(roll);
            if (done != null) {
                return done;
            }
        }
        return "nothing";
    }

    private String tryStep(int roll) {
        if (roll < 25) {
            long id = randomExisting(Resource.CANDIDATES);
            return id > 0 && changes.updateCandidate(id, random) != null ? "update_candidate " + id : null;
        }
        if (roll < 50) {
            long id = randomExisting(Resource.APPLICATIONS);
            return id > 0 && changes.moveApplication(id) != null ? "move_application " + id : null;
        }
        if (roll < 58) {
            long id = randomExisting(Resource.APPLICATIONS);
            return id > 0 && changes.rejectApplication(id) != null ? "reject_application " + id : null;
        }
        if (roll < 72) {
            long job = randomOpenJob();
            if (job < 0) {
                return null;
            }
            ObjectNode c = OrgChanges.candidateFields(Names.FIRST[random.nextInt(Names.FIRST.length)],
                    Names.LAST[random.nextInt(Names.LAST.length)], Names.COMPANIES[random.nextInt(
                            Names.COMPANIES.length)], Names.TITLES[random.nextInt(Names.TITLES.length)]);
            OrgChanges.Created created = changes.createCandidate(c, job, false, 3,
                    OrgGenerator.id(Resource.USERS, OrgGenerator.SITE_ADMIN), null);
            return "create_candidate " + created.candidate().get("id").asLong();
        }
        if (roll < 77) {
            long id = randomExisting(Resource.CANDIDATES);
            return id > 0 && !changes.deleteCandidate(id).isEmpty() ? "delete_candidate " + id : null;
        }
        if (roll < 83) {
            long id = randomExisting(Resource.JOBS);
            return id > 0 && changes.updateJob(id, random) != null ? "update_job " + id : null;
        }
        if (roll < 86) {
            return "create_job " + changes.createJob(random).get("id").asLong();
        }
        if (roll < 91) {
            long id = randomExisting(Resource.JOB_POSTS);
            return id > 0 && changes.updateJobPost(id, random) != null ? "update_job_post " + id : null;
        }
        if (roll < 93) {
            long id = randomExisting(Resource.JOB_POSTS);
            return id > 0 && !changes.deleteJobPost(id).isEmpty() ? "delete_job_post " + id : null;
        }
        long id = randomExisting(Resource.INTERVIEWS);
        ObjectNode interview = id > 0 ? org.get(Resource.INTERVIEWS, id) : null;
        if (interview == null || !OrgChanges.deletable(interview)) {
            return null;
        }
        changes.deleteInterview(id);
        return "delete_interview " + id;
    }

    private long randomOpenJob() {
        for (int k = 0; k < 20; k++) {
            long id = randomExisting(Resource.JOBS);
            ObjectNode job = id > 0 ? org.get(Resource.JOBS, id) : null;
            if (job != null && "open".equals(job.path("status").asText())) {
                return id;
            }
        }
        return -1;
    }

    /** A random existing id, generated or created; -1 if the draw hit a deleted one. */
    private long randomExisting(Resource r) {
        Table t = org.table(r);
        long createdCount = t.created.size();
        long pick = 1 + (long) (random.nextDouble() * (t.generated + createdCount));
        long id;
        if (pick <= t.generated || createdCount == 0) {
            id = r.idBase() + Math.min(pick, t.generated);
        } else {
            Long k = t.created.ceilingKey(t.firstCreatedId + (long) (random.nextDouble() * createdCount));
            id = k == null ? t.created.lastKey() : k;
        }
        return org.exists(r, id) ? id : -1;
    }
}
