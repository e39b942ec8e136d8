package dev.trellis.hub;

import dev.trellis.deadletter.DeadLetterRoutes;
import dev.trellis.deadletter.ErrorSettings;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.outbound.InvalidItem;
import dev.trellis.route.HubHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

/**
 * The one error handling every route gets, Java or YAML: bounded redelivery with exponential backoff, then the
 * original message goes to the dead-letter store. It has no id, so Camel applies it to every route that does not
 * pick another configuration.
 */
public final class ErrorChannel extends RouteConfigurationBuilder {
    @Override
    public void configuration() {
        ErrorSettings settings = getContext().getRegistry().findSingleByType(ErrorSettings.class);
        RouteConfigurationDefinition channel = routeConfiguration();
        // what Greenhouse refused for good goes to the dead-letter queue at once, without redelivery
        channel.onException(GreenhouseRejection.class).maximumRedeliveries(0);
        // an outbox item a route hands to greenhouse:note/email/interview that fails validation fails the same way again
        channel.onException(InvalidItem.class).maximumRedeliveries(0);
        channel.errorHandler(deadLetterChannel(DeadLetterRoutes.ENDPOINT)
                .useOriginalMessage()
                .maximumRedeliveries(settings.maximumRedeliveries())
                .redeliveryDelay(settings.redeliveryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(settings.backoffMultiplier())
                .maximumRedeliveryDelay(settings.maximumRedeliveryDelay().toMillis())
                // useOriginalMessage drops the redelivery headers, so the count travels as a property
                .onRedelivery(exchange -> exchange.setProperty(HubHeaders.REDELIVERIES,
                        exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class)))
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhausted(false));
    }
}
