package io.simstream.deadletter;

import io.simstream.RateLimitedLog;
import io.simstream.deadletter.DeadLetterReason;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output the broker refuses as too large, and output that cannot be serialized for a reason other
 * than a registry fault, dead-letter the source record (its original bytes) instead of failing the
 * thread over and over. Other send errors keep Streams' default (fail; Streams itself retries what
 * is retriable).
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
    /** One line per record would flood the log; the counters keep every case. */
    private static final RateLimitedLog PER_RECORD = new RateLimitedLog(Duration.ofSeconds(30));
    private ErrorDeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
        letters = new ErrorDeadLetters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RecordTooLargeException && !letters.dlqTopic.equals(record.topic())) {
            PER_RECORD.error(LOG, "output for {}-{}@{} to {} is too large for the broker; dead-lettering the source record",
                    context.topic(), context.partition(), context.offset(), record.topic());
            return Response.resume(letters.letterFor(context, DeadLetterReason.RECORD_TOO_LARGE, exception));
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (ErrorDeadLetters.isInfrastructure(exception) || letters.dlqTopic.equals(record.topic())) {
            return Response.fail();
        }
        PER_RECORD.error(LOG, "cannot serialize output for {}-{}@{} to {}; dead-lettering the source record", context.topic(),
                context.partition(), context.offset(), record.topic(), exception);
        return Response.resume(letters.letterFor(context, DeadLetterReason.PROCESSING_ERROR, exception));
    }
}
