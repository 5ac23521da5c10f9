package dev.srlstream.topology.replay;

import dev.srlstream.schemas.registry.RegisteredSchema;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * The schema registry of a replay: reads the live registry, never writes to it.
 *
 * <ul>
 *   <li>{@link #schemaById} gives a recorded record's writer schema from the live registry (a GET),
 *       or a schema this replay registered locally;
 *   <li>{@link #register} finds the schema among the live versions of the subject (GETs only) and
 *       answers its live id, so a replayed record is byte for byte what the live service would
 *       write; a schema the live registry does not hold under that subject is registered here, in
 *       this process only, with an id from {@link #LOCAL_ID_BASE} up, which no live id reaches.
 * </ul>
 */
public final class ReplayRegistry implements SchemaRegistry {

  /**
   * The first id of a schema registered only in this replay. Confluent's registry and the project's
   * give ids from 1 up, one per distinct schema; a billion is out of their reach.
   */
  public static final int LOCAL_ID_BASE = 1_000_000_000;

  /** What a replay reads from the live registry. */
  public interface LiveSchemas {
    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Every version of a subject, or none if the subject does not exist. */
    List<RegisteredSchema> versions(String subject);

    /** Where the live registry is. */
    String describe();

    /** The live view of a registry client: GET requests only. */
    static LiveSchemas of(SchemaRegistryClient client) {
      return new LiveSchemas() {
        @Override
        public Schema schemaById(int id) {
          return client.schemaById(id);
        }

        @Override
        public List<RegisteredSchema> versions(String subject) {
          List<Integer> numbers;
          try {
            numbers = client.versions(subject);
          } catch (RegistryException e) {
            if (e.httpStatus() == 404) {
              return List.of(); // no such subject
            }
            throw e;
          }
          List<RegisteredSchema> found = new ArrayList<>();
          for (int n : numbers) {
            found.add(client.version(subject, Integer.toString(n)));
          }
          return found;
        }

        @Override
        public String describe() {
          return client.describe();
        }
      };
    }
  }

  private final LiveSchemas live;
  private final Map<String, Integer> idBySubjectAndSchema = new HashMap<>();
  private final Map<Integer, Schema> localById = new HashMap<>();
  private final Map<Integer, Schema> liveById = new HashMap<>();
  private final Map<Integer, String> localSubjectById = new HashMap<>();

  public ReplayRegistry(LiveSchemas live) {
    this.live = live;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    String key = subject + '\u0000' + schema;
    Integer known = idBySubjectAndSchema.get(key);
    if (known != null) {
      return known;
    }
    int id = -1;
    for (RegisteredSchema version : live.versions(subject)) {
      if (version.schema().equals(schema)) {
        id = version.id();
        liveById.put(id, version.schema());
      }
    }
    if (id < 0) {
      id =
          localById.entrySet().stream()
              .filter(e -> e.getValue().equals(schema))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(LOCAL_ID_BASE + localById.size());
      localById.put(id, schema);
      localSubjectById.putIfAbsent(id, subject);
    }
    idBySubjectAndSchema.put(key, id);
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema local = localById.get(id);
    if (local != null) {
      return local;
    }
    return liveById.computeIfAbsent(id, live::schemaById);
  }

  /** Whether an id was given by this replay only: no live reader can resolve it. */
  public synchronized boolean isLocal(int id) {
    return localById.containsKey(id);
  }

  /** The subjects of the schemas registered only here (the first subject of each), sorted. */
  public synchronized List<String> localSubjects() {
    return List.copyOf(new TreeSet<>(localSubjectById.values()));
  }

  /** The subject a local id was first registered under, or null. */
  public synchronized String localSubject(int id) {
    return localSubjectById.get(id);
  }

  @Override
  public String describe() {
    return "replay registry (reading " + live.describe() + ")";
  }
}
