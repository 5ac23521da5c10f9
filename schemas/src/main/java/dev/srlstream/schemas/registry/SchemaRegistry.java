package dev.srlstream.schemas.registry;

import org.apache.avro.Schema;

/**
 * What the wire-format serde needs from a schema registry: register a writer schema, and find a
 * schema by its id. {@link SchemaRegistryClient} implements it over HTTP.
 */
public interface SchemaRegistry {

  /** Registers (or finds) a schema under a subject and returns its global id. */
  int register(String subject, Schema schema);

  /** The schema with a global id; throws {@link RegistryException} (40403) if there is none. */
  Schema schemaById(int id);

  /** Where the registry is, for error messages. */
  String describe();
}
