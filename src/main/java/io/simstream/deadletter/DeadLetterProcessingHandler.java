package io.simstream.deadletter;

import io.simstream.RateLimitedLog;
import io.simstream.deadletter.DeadLetterReason;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-1033: an unexpected exception while processing one record sends that record to the
 * dead-letter topic (in the same transaction) and processing goes on, so one bad record cannot
 * crash-loop the service. A registry fault is the exception: it fails the thread (replaced by
 * the uncaught-exception handler), so the record is read again instead of being dead-lettered.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    /** One line per record would flood the log; the counters keep every case. */
    private static final RateLimitedLog PER_RECORD = new RateLimitedLog(Duration.ofSeconds(30));
    private ErrorDeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
        letters = new ErrorDeadLetters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (ErrorDeadLetters.isInfrastructure(exception)) {
            LOG.error("registry fault on {}-{}@{}; the stream thread is replaced and the record read again: {}",
                    context.topic(), context.partition(), context.offset(), exception.toString());
            return Response.fail();
        }
        PER_RECORD.error(LOG, "dead-lettering {}-{}@{} after an unexpected error in {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), exception);
        return Response.resume(letters.letterFor(context, DeadLetterReason.PROCESSING_ERROR, exception));
    }
}
