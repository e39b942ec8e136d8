package dev.trellis.sandbox;

import java.util.List;
import java.util.Random;

/**
 * One organisation of a sandbox (a Greenhouse account): its generated data with seed {@code seed + index}, its
 * credentials, changes, webhooks, churn, paging cursors and the Ingestion and Job Board handlers bound to its keys.
 * Organisation 0 keeps the credentials and data a one-organisation sandbox has always had.
 */
final class SandboxOrg {
    final int index;
    final long seed;
    final Organisation data;
    final OrgChanges changes;
    final WebhookEmitter webhooks;
    final Churn churn;
    final Random touchRandom;
    final CursorCodec cursors;
    final Pager pager;
    final HarvestWrites writes;
    final IngestionHandler ingestion;
    final JobBoardHandler board;
    final ClientCredentials client;
    final String partnerKey;
    final String boardToken;
    final String boardKey;
    final String webhookSecret;

    SandboxOrg(int index, SandboxSettings settings, SandboxClock clock, TokenIssuer tokens, WebhookSender sender) {
        this.index = index;
        this.seed = settings.seed() + index;
        // board tokens are 24 bits of hash: a suffix keeps a thousand organisations' tokens apart
        this.boardToken = "sandbox-" + String.format("%016x", Gen.hash(seed, 9001, 1)).substring(0, 6)
                + (index == 0 ? "" : "-" + index);
        this.data = new Organisation(new OrgGenerator(seed, new Timeline(seed, settings.sizes()), boardToken), clock,
                settings.createdIdsAbove());
        this.webhookSecret = "whsec-" + Long.toHexString(Gen.hash(seed, 9002, 1));
        this.webhooks = new WebhookEmitter(webhookSecret, webhookTargets(index, settings.webhookUrls()), sender);
        this.changes = new OrgChanges(data, webhooks);
        this.client = tokens.register("sandbox-" + String.format("%016x", Gen.hash(seed, 9003, 1)).substring(0, 10),
                Long.toHexString(Gen.hash(seed, 9004, 1)) + Long.toHexString(Gen.hash(seed, 9004, 2)), Scopes.all(),
                index);
        this.churn = new Churn(data, changes, seed);
        this.touchRandom = new Random(seed + 1);
        this.partnerKey = "partner-" + Long.toHexString(Gen.hash(seed, 9005, 1));
        this.boardKey = "board-" + Long.toHexString(Gen.hash(seed, 9006, 1));
        this.cursors = new CursorCodec(CursorCodec.keyFrom(seed), clock, settings.cursorTtl());
        this.pager = new Pager(data);
        this.writes = new HarvestWrites(data, changes);
        this.ingestion = new IngestionHandler(data, changes, partnerKey, boardToken);
        this.board = new JobBoardHandler(data, changes, boardToken, boardKey);
    }

    /** A URL with {@code {org}} serves every organisation (with its number); any other URL organisation 0 only. */
    static List<String> webhookTargets(int index, List<String> urls) {
        return urls.stream().filter(u -> index == 0 || u.contains("{org}"))
                .map(u -> u.replace("{org}", Integer.toString(index))).toList();
    }

    SandboxCredentials credentials(String baseUrl) {
        OrgGenerator gen = data.generator();
        return new SandboxCredentials(baseUrl, client.clientId(), client.clientSecret(),
                OrgGenerator.id(Resource.USERS, OrgGenerator.SITE_ADMIN),
                OrgGenerator.id(Resource.USERS, OrgGenerator.NON_ADMIN),
                OrgGenerator.id(Resource.USERS, OrgGenerator.SERVICE_ACCOUNT), partnerKey,
                gen.userEmail(OrgGenerator.PARTNER_USER), gen.userEmail(OrgGenerator.BASIC_USER),
                gen.userEmail(OrgGenerator.DEACTIVATED_USER), boardToken, boardKey, webhookSecret);
    }
}
