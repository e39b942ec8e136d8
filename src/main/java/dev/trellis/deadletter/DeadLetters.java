package dev.trellis.deadletter;

import dev.trellis.api.ApiSettings;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/** Wires the end of the error channel: the store, the recorder, replay, the gauge and the REST API. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static void configure(CamelContext context, ApiSettings api, DataSource dataSource, SecretMasker masker,
            MeterRegistry meters) {
        DeadLetterStore store = new DeadLetterStore(dataSource);
        DeadLetterGauge gauge = new DeadLetterGauge(context, store, meters);
        context.getRegistry().bind("deadLetterRecorder", new DeadLetterRecorder(store, masker, gauge::refresh));
        context.getRegistry().bind("deadLetterGauge", gauge);
        context.getRegistry().bind("deadLetterApi", new DeadLetterApi(store, new DeadLetterReplayer(context, store),
                new JsonResponse(masker), gauge::refresh, api.maxPageSize()));
    }
}
