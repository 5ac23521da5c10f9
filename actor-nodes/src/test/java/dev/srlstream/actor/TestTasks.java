package dev.srlstream.actor;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Tasks for tests. */
final class TestTasks {
  static {
    // The serde installs Avro's list of trusted classes, which copying a record also needs.
    ActorSerdes.of(new InMemorySchemaRegistry());
  }

  private TestTasks() {}

  /**
   * An SRL task with its own instance id {@code inst-<id>}, G = 2, 32 new tokens, and the task id
   * in its question (so a fake policy's log shows which task it sampled).
   */
  static StepTask srl(String id) {
    return StepTask.newBuilder(SampleRecords.stepTask())
        .setTaskId(id)
        .setInstanceId("inst-" + id)
        .setProblemId("problem-" + id)
        .setQuestion("task " + id)
        .setContextSteps(List.of("3 + 4 = 7"))
        .setHint(null)
        .setGroupSize(2)
        .setMaxNewTokens(32)
        .setSeed(7L)
        .build();
  }

  /** A whole-solution task of {@code steps} expert steps. */
  static StepTask solution(String id, TrainingMode mode, int steps) {
    return StepTask.newBuilder(srl(id))
        .setMode(mode)
        .setStepIndex(0)
        .setTotalSteps(steps)
        .setContextSteps(List.of())
        .build();
  }

  /**
   * The wire-format bytes of {@code task} written by a newer writer whose TrainingMode has one more
   * symbol, with mode set to that symbol: a reader that does not know it cannot decode it.
   */
  static byte[] withUnknownMode(StepTask task, SchemaRegistry registry, String topic) {
    String json =
        StepTask.getClassSchema()
            .toString()
            .replace(
                "\"symbols\":[\"SRL\",\"RLVR\",\"HOLISTIC\",\"SFT\"]",
                "\"symbols\":[\"SRL\",\"RLVR\",\"HOLISTIC\",\"SFT\",\"DEBATE\"]");
    if (!json.contains("DEBATE")) {
      throw new IllegalStateException("the TrainingMode symbols changed: " + json);
    }
    Schema newer = new Schema.Parser().parse(json);
    GenericRecord record = new GenericData.Record(newer);
    for (Schema.Field field : newer.getFields()) {
      record.put(field.name(), task.get(field.name()));
    }
    record.put("mode", new GenericData.EnumSymbol(newer.getField("mode").schema(), "DEBATE"));
    int id = registry.register(topic + "-value", newer);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      GenericData model = new GenericData();
      model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
      new GenericDatumWriter<GenericRecord>(newer, model).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
