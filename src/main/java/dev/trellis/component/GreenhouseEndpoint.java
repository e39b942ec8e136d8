package dev.trellis.component;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** One {@code greenhouse:kind?options} endpoint; the options are documented in docs/component.md. */
@UriEndpoint(firstVersion = "0.1.0", scheme = GreenhouseComponent.SCHEME, title = "Greenhouse",
        syntax = "greenhouse:kind", category = {Category.SAAS},
        headersClass = GreenhouseHeaders.class)
public final class GreenhouseEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {
    private static final Set<String> OPS = Set.of("create", "update", "delete");

    /** What the endpoint does. */
    public enum Kind {
        CHANGES, NOTE, EMAIL, INTERVIEW, GET;

        static Kind parse(String remaining) {
            try {
                return valueOf(remaining.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("greenhouse:" + remaining + " is not an endpoint of the greenhouse "
                        + "component; use changes, note, email, interview or get");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @UriPath(enums = "changes,note,email,interview,get",
            description = "changes consumes the change feed; note, email and interview queue write-backs in the "
                    + "outbox; get reads a Harvest path through the gateway")
    @Metadata(required = true)
    private final Kind kind;

    @UriParam(label = "consumer", description = "Only events of these streams (comma-separated, e.g. applications); "
            + "all streams when empty")
    private String stream;
    @UriParam(label = "common", description = "Consumer: only events of these tenants (comma-separated), all when "
            + "empty. greenhouse:get: the tenant to read as, instead of the TrellisTenant header")
    private String tenant;
    @UriParam(label = "consumer", enums = "create,update,delete",
            description = "Only events with one of these ops (comma-separated); all ops when empty")
    private String ops;
    @UriParam(label = "consumer", description = "Only updates that changed one of these top-level fields "
            + "(comma-separated); creates and deletes always pass. All events when empty")
    private String fields;
    @UriParam(label = "consumer", defaultValue = "false",
            description = "Also receive the creates of a stream's first backfill (backfill: true)")
    private boolean includeBackfill;
    @UriParam(label = "consumer", defaultValue = "100",
            description = "Events read per query (1 to 10000). The offset is saved after each batch (and at a stop or "
                    + "a failure), so after a crash at most this many events are delivered again")
    private int batchSize = 100;
    @UriParam(label = "consumer", description = "The name the durable offset is kept under; instances and routes "
            + "sharing a name share one offset (each event reaches one of them). Default: the route id")
    private String consumer;
    @UriParam(label = "consumer", defaultValue = "500", javaType = "long",
            description = "Milliseconds to wait when the feed has nothing new, after a failure, and between "
                    + "attempts to take over a consumer another instance holds (10 to 60000)")
    private long pollDelay = 500;
    @UriParam(label = "producer", enums = "create,update,delete", defaultValue = "create",
            description = "greenhouse:interview: what to do with the interview; the TrellisAction header overrides it")
    private String action = "create";
    @UriParam(label = "producer", description = "greenhouse:get: the Harvest path and query to read, e.g. "
            + "RAW(/v3/candidates?ids=123); the TrellisGreenhousePath header overrides it")
    private String path;
    @UriParam(label = "producer", description = "greenhouse:get: put the answer in this header instead of the body")
    private String resultHeader;

    GreenhouseEndpoint(String uri, GreenhouseComponent component, Kind kind) {
        super(uri, component);
        this.kind = kind;
    }

    @Override
    public GreenhouseComponent getComponent() {
        return (GreenhouseComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return switch (kind) {
            case CHANGES -> throw new IllegalArgumentException("greenhouse:changes is a consumer (from:), not a "
                    + "producer; write with greenhouse:note, email, interview, or read with greenhouse:get");
            case GET -> new HarvestGetProducer(this);
            default -> new OutboxProducer(this);
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (kind != Kind.CHANGES) {
            throw new IllegalArgumentException("greenhouse:" + kind.label() + " is a producer (to:); only "
                    + "greenhouse:changes consumes");
        }
        ChangeConsumer answer = new ChangeConsumer(this, processor);
        configureConsumer(answer);
        return answer;
    }

    /** Two routes may consume the same URI: each keeps its own offset (its route id), unless they share a consumer name. */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    /** Refuses option values that cannot work, naming the option; called once the options are set. */
    void check() {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("Option 'batchSize' must be from 1 to 10000, not " + batchSize);
        }
        if (pollDelay < 10 || pollDelay > 60_000) {
            throw new IllegalArgumentException("Option 'pollDelay' must be from 10 to 60000 ms, not " + pollDelay);
        }
        for (String op : list(ops)) {
            if (!OPS.contains(op)) {
                throw new IllegalArgumentException("Option 'ops' takes create, update and delete, not '" + op + "'");
            }
        }
        if (!OPS.contains(action)) {
            throw new IllegalArgumentException("Option 'action' must be create, update or delete, not '" + action + "'");
        }
        if (path != null && !path.startsWith("/v3/")) {
            throw new IllegalArgumentException("Option 'path' must be a Harvest path under /v3/, e.g. path=RAW(/v3/candidates?ids=123), "
                    + "not '" + path + "'");
        }
        if (consumer != null && consumer.isBlank()) {
            throw new IllegalArgumentException("Option 'consumer' must not be blank");
        }
    }

    ChangeFilter filter() {
        return new ChangeFilter(list(tenant), list(stream), list(ops), list(fields), includeBackfill);
    }

    private static Set<String> list(String value) {
        Set<String> set = new LinkedHashSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(set::add);
        }
        return set;
    }

    public Kind getKind() {
        return kind;
    }

    public String getStream() {
        return stream;
    }

    public void setStream(String stream) {
        this.stream = stream;
    }

    public String getTenant() {
        return tenant;
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    public String getOps() {
        return ops;
    }

    public void setOps(String ops) {
        this.ops = ops;
    }

    public String getFields() {
        return fields;
    }

    public void setFields(String fields) {
        this.fields = fields;
    }

    public boolean isIncludeBackfill() {
        return includeBackfill;
    }

    public void setIncludeBackfill(boolean includeBackfill) {
        this.includeBackfill = includeBackfill;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public String getConsumer() {
        return consumer;
    }

    public void setConsumer(String consumer) {
        this.consumer = consumer;
    }

    public long getPollDelay() {
        return pollDelay;
    }

    public void setPollDelay(long pollDelay) {
        this.pollDelay = pollDelay;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getResultHeader() {
        return resultHeader;
    }

    public void setResultHeader(String resultHeader) {
        this.resultHeader = resultHeader;
    }
}
