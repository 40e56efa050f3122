package io.simstream.testkit;

import io.simstream.avro.VectorPair;
import io.simstream.registry.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Pairs in the Confluent wire format written with a schema the service has never seen: VectorPair
 * plus an optional field (BACKWARD compatible, so its registered id is new and the service must ask
 * the registry for it before it can read them).
 */
public final class WirePairs {
    private WirePairs() {
    }

    public static Schema evolvedSchema() {
        Schema base = VectorPair.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("note", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "added later", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    /** One pair of dim values per side, encoded under schemaId with the evolved schema. */
    public static byte[] encode(Schema evolved, int schemaId, String id, int dim, long eventTimeMs) {
        GenericRecord r = new GenericData.Record(evolved);
        List<Float> left = new ArrayList<>();
        List<Float> right = new ArrayList<>();
        for (int i = 0; i < dim; i++) {
            left.add((float) (i + 1));
            right.add((float) (dim - i));
        }
        r.put("id", id);
        r.put("left", left);
        r.put("right", right);
        r.put("eventTime", eventTimeMs);
        r.put("attributes", null);
        r.put("note", "evolved");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(AvroSerde.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(evolved).write(r, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
