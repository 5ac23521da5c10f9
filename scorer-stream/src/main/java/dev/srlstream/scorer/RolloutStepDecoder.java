package dev.srlstream.scorer;

import dev.srlstream.schemas.avro.FinishReason;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.WireFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes rollout steps, the scorer's hottest Avro work (12-15% of the stream thread): a record
 * written with exactly the schema this build reads is decoded field by field in schema order, with
 * its token ids and log-probs in Avro's primitive-backed lists (no boxed element per token, as
 * Avro's own reader makes); any other writer schema (an older or newer version), and any record the
 * fast path cannot read, goes to {@link AvroSerde}, which resolves schemas and words the errors. So
 * the result and the errors are those of {@code AvroSerde}; only the list classes inside differ
 * (both are {@link List}s that compare equal element by element).
 */
final class RolloutStepDecoder {
  private static final Schema SCHEMA = RolloutStep.getClassSchema();
  private static final Schema INTS = SCHEMA.getField("prompt_token_ids").schema();
  private static final Schema FLOATS = SCHEMA.getField("behaviour_logprobs").schema();
  private static final TrainingMode[] MODES = TrainingMode.values();
  private static final FinishReason[] FINISH_REASONS = FinishReason.values();

  private final AvroSerde<RolloutStep> avro;
  private final SchemaRegistry registry;
  private final Map<Integer, Boolean> ownSchemaById = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;

  RolloutStepDecoder(SchemaRegistry registry) {
    this.registry = registry;
    this.avro = new AvroSerde<>(RolloutStep.class, registry);
  }

  /** As {@link AvroSerde#deserialize}: null for null, SerializationException naming the topic. */
  RolloutStep decode(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int schemaId = WireFormat.schemaId(data, topic);
    Boolean own;
    try {
      own = ownSchemaById.computeIfAbsent(schemaId, id -> SCHEMA.equals(registry.schemaById(id)));
    } catch (RuntimeException e) {
      return avro.deserialize(topic, data); // words the registry's failure
    }
    if (own) {
      try {
        decoder =
            DecoderFactory.get()
                .binaryDecoder(
                    data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoder);
        RolloutStep step = read(decoder);
        if (decoder.isEnd()) {
          return step;
        }
      } catch (IOException | RuntimeException e) {
        // fall through: Avro's reader decodes it or words why not
      }
    }
    return avro.deserialize(topic, data);
  }

  /** The fields in RolloutStep.avsc's order. */
  private static RolloutStep read(BinaryDecoder in) throws IOException {
    RolloutStep r = new RolloutStep();
    r.setRolloutId(in.readString());
    r.setGroupId(in.readString());
    r.setTaskId(in.readString());
    r.setInstanceId(in.readString());
    r.setProblemId(in.readString());
    r.setMode(MODES[in.readEnum()]);
    r.setStepIndex(in.readInt());
    r.setRolloutIndex(in.readInt());
    r.setGroupSize(in.readInt());
    r.setPolicyVersion(in.readLong());
    r.setActorId(in.readString());
    r.setPromptTokenIds(ints(in));
    r.setResponseTokenIds(ints(in));
    r.setBehaviourLogprobs(floats(in));
    r.setResponseText(in.readString());
    r.setFinishReason(FINISH_REASONS[in.readEnum()]);
    r.setTemperature(in.readFloat());
    r.setSeed(in.readLong());
    r.setSampledAt(Instant.ofEpochMilli(in.readLong()));
    r.setSamplingMillis(in.readLong());
    r.setSegments(nullOr(in) ? null : segments(in));
    r.setPolicyName(nullOr(in) ? null : in.readString());
    return r;
  }

  /** Reads a ["null", X] union's branch: true for null. */
  private static boolean nullOr(BinaryDecoder in) throws IOException {
    int branch = in.readIndex();
    if (branch != 0 && branch != 1) {
      throw new IOException("union branch " + branch + " of a [null, X] union");
    }
    return branch == 0;
  }

  private static List<Integer> ints(BinaryDecoder in) throws IOException {
    long block = in.readArrayStart();
    PrimitivesArrays.IntArray list =
        new PrimitivesArrays.IntArray((int) Math.min(block, 1024), INTS);
    while (block > 0) {
      for (long i = 0; i < block; i++) {
        list.add(list.size(), in.readInt());
      }
      block = in.arrayNext();
    }
    return list;
  }

  private static List<Float> floats(BinaryDecoder in) throws IOException {
    long block = in.readArrayStart();
    PrimitivesArrays.FloatArray list =
        new PrimitivesArrays.FloatArray((int) Math.min(block, 1024), FLOATS);
    while (block > 0) {
      for (long i = 0; i < block; i++) {
        list.add(list.size(), in.readFloat());
      }
      block = in.arrayNext();
    }
    return list;
  }

  private static List<RolloutSegment> segments(BinaryDecoder in) throws IOException {
    long block = in.readArrayStart();
    List<RolloutSegment> list = new ArrayList<>((int) Math.min(block, 64));
    while (block > 0) {
      for (long i = 0; i < block; i++) {
        list.add(new RolloutSegment(ints(in), ints(in), floats(in)));
      }
      block = in.arrayNext();
    }
    return list;
  }
}
