package dev.srlstream.schemas.serde;

import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A test double of the registry for unit tests (the real one is in infra): ids from 1, one per
 * distinct schema, no compatibility checks.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final List<Schema> schemas = new ArrayList<>();
  private final Map<String, Schema> subjects = new LinkedHashMap<>();
  public int registrations;

  @Override
  public synchronized int register(String subject, Schema schema) {
    registrations++;
    subjects.put(subject, schema);
    int index = schemas.indexOf(schema);
    if (index < 0) {
      schemas.add(schema);
      index = schemas.size() - 1;
    }
    return index + 1;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > schemas.size()) {
      throw new RegistryException(404, 40403, "Schema " + id + " not found");
    }
    return schemas.get(id - 1);
  }

  /** Each subject registered so far, with the schema last registered under it. */
  public synchronized Map<String, Schema> subjects() {
    return Map.copyOf(subjects);
  }

  @Override
  public String describe() {
    return "in-memory test registry";
  }
}
