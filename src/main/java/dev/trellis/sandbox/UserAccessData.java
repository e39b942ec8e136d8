package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Who may do what, and who users are by address: user roles, per-job permissions, user e-mails, referrers. */
final class UserAccessData extends GeneratedArea {
    /** Role names and their role_type; the first is the Site Admin role, the last the legacy interviewer role. */
    static final String[][] ROLES = {{"Site Admin", "site_admin"}, {"Standard", "job_admin"}, {"Private", "job_admin"},
        {"Recruiter", "job_admin"}, {"Coordinator", "job_admin"}, {"Interviewer", "deprecated_interviewer"}};
    static final int JOB_ADMIN_ROLES = 4;

    UserAccessData(long seed, Timeline time, OrgGenerator org) {
        super(seed, time, org);
    }

    static void sizes(Map<Resource, Long> s, Map<Resource, Long> overrides) {
        put(s, overrides, Resource.USER_ROLES, ROLES.length);
        long users = s.get(Resource.USERS);
        put(s, overrides, Resource.USER_EMAILS, users * 3 / 2);
        put(s, overrides, Resource.USER_JOB_PERMISSIONS, s.get(Resource.JOBS) * 2);
        put(s, overrides, Resource.REFERRERS, Math.min(60_000, Math.max(5, s.get(Resource.CANDIDATES) / 200)));
    }

    @Override
    boolean fill(Resource r, ObjectNode o, long i) {
        switch (r) {
            case USER_ROLES -> {
                String[] role = ROLES[(int) ((i - 1) % ROLES.length)];
                o.put("name", i <= ROLES.length ? role[0] : role[0] + " " + i);
                o.put("role_type", role[1]);
            }
            case USER_EMAILS -> userEmail(o, i);
            case USER_JOB_PERMISSIONS -> {
                Gen g = gen(r, i);
                o.put("user_id", id(Resource.USERS, jobAdmin(g)));
                o.put("job_id", id(Resource.JOBS, parent(r, i)));
                o.put("role_id", id(Resource.USER_ROLES, 2 + g.nextLong(Math.min(JOB_ADMIN_ROLES, size(Resource.USER_ROLES) - 1))));
                o.put("automated", g.chance(0.3));
            }
            case REFERRERS -> {
                Gen g = gen(r, i);
                if (g.chance(0.6)) {
                    long u = org.humanUserIndex(g);
                    o.put("name", userName(u));
                    o.put("user_id", id(Resource.USERS, u));
                } else {
                    o.put("name", g.pick(Names.FIRST) + " " + g.pick(Names.LAST) + " (" + g.pick(Names.COMPANIES) + ")");
                    o.putNull("user_id");
                }
            }
            default -> {
                return false;
            }
        }
        stamp(o, r, i);
        return true;
    }

    /** A user who is no Site Admin (Site Admins never appear in user_job_permissions). */
    private long jobAdmin(Gen g) {
        for (int k = 0; k < 20; k++) {
            long u = org.humanUserIndex(g);
            if (!org.isSiteAdmin(u)) {
                return u;
            }
        }
        return OrgGenerator.NON_ADMIN;
    }

    private String userName(long u) {
        Gen g = new Gen(seed, Resource.USERS.ordinal() + 1, u);
        return g.pick(Names.FIRST) + " " + g.pick(Names.LAST);
    }

    private void userEmail(ObjectNode o, long i) {
        long u = parent(Resource.USER_EMAILS, i);
        long nth = nth(Resource.USER_EMAILS, i);
        String primary = org.userEmail(u);
        o.put("user_id", id(Resource.USERS, u));
        o.put("email", nth == 0 ? primary : primary.replace("@", "+" + nth + "@"));
        boolean verified = nth == 0 || gen(Resource.USER_EMAILS, i).chance(0.5);
        o.put("verified", verified);
        if (verified) {
            o.putNull("verification_token_sent_at");
        } else {
            o.put("verification_token_sent_at", Timeline.iso(time.created(Resource.USER_EMAILS, i)));
        }
    }
}
