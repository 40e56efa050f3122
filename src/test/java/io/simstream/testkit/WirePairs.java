package io.simstream.testkit;

import io.simstream.avro.VectorPair;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.SchemaTexts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
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

    /**
     * VectorPair v2 as an upstream producer writes it: a leading extra field ("tenant") in
     * canonical JSON, so its bytes differ from anything the service would write itself.
     */
    public static Schema tenantSchema() {
        return new Schema.Parser().parse(SchemaTexts.canonical(VectorPair.getClassSchema()).replaceFirst(
                "\"fields\": \\[", "\"fields\": [\n    {\"name\": \"tenant\", \"type\": \"string\", \"default\": \"\"},"));
    }

    /**
     * A pair under {@link #tenantSchema()} with random values (from seed) and a map of several
     * entries in insertion order: a dead letter must keep exactly these bytes.
     */
    public static byte[] encodeWithTenant(Schema v2, int schemaId, String pairId, int dim, long seed) {
        GenericRecord r = new GenericData.Record(v2);
        Random rnd = new Random(seed);
        r.put("tenant", "t-9");
        r.put("id", pairId);
        r.put("left", IntStream.range(0, dim).mapToObj(i -> rnd.nextFloat()).toList());
        r.put("right", IntStream.range(0, dim).mapToObj(i -> rnd.nextFloat()).toList());
        r.put("eventTime", 1_700_000_000_000L);
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String k : List.of("zeta", "alpha", "mid", "beta", "omega")) {
            attrs.put(k, k.toUpperCase(Locale.ROOT));
        }
        r.put("attributes", attrs);
        return write(v2, schemaId, r);
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
        return write(evolved, schemaId, r);
    }

    /** The Confluent wire format: magic byte, schema id, Avro binary. */
    private static byte[] write(Schema schema, int schemaId, GenericRecord r) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(AvroSerde.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
