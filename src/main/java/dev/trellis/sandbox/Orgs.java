package dev.trellis.sandbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The organisations of a sandbox and how a request finds its own: Harvest by the client its token was minted for,
 * Candidate Ingestion by the partner API key, the Job Board by the board token in the path. A credential no
 * organisation has falls to organisation 0, whose handler refuses it as Greenhouse would (401/404).
 */
final class Orgs {
    private final List<SandboxOrg> orgs;
    private final Map<String, SandboxOrg> byPartnerKey = new HashMap<>();
    private final Map<String, SandboxOrg> byBoardToken = new HashMap<>();

    Orgs(List<SandboxOrg> orgs) {
        this.orgs = List.copyOf(orgs);
        for (SandboxOrg o : orgs) {
            byPartnerKey.put(o.partnerKey, o);
            byBoardToken.put(o.boardToken, o);
        }
    }

    int size() {
        return orgs.size();
    }

    SandboxOrg get(int index) {
        if (index < 0 || index >= orgs.size()) {
            throw new IllegalArgumentException("org must be between 0 and " + (orgs.size() - 1) + ", not " + index);
        }
        return orgs.get(index);
    }

    List<SandboxOrg> all() {
        return orgs;
    }

    /** The organisation whose partner API key is the Basic user name. */
    SandboxOrg byPartnerKey(SandboxRequest req) {
        String[] basic = TokenIssuer.basic(req.header("Authorization"));
        return basic == null ? orgs.get(0) : byPartnerKey.getOrDefault(basic[0], orgs.get(0));
    }

    /** The organisation whose board token is the path segment after {@code /v1/boards/}. */
    SandboxOrg byBoardPath(String path) {
        String rest = path.substring("/v1/boards/".length());
        int slash = rest.indexOf('/');
        return byBoardToken.getOrDefault(slash < 0 ? rest : rest.substring(0, slash), orgs.get(0));
    }
}
