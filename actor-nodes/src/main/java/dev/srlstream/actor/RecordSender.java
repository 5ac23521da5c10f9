package dev.srlstream.actor;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends a record and reports its acknowledgement: {@code KafkaProducer::send} in the service (an
 * idempotent producer with {@code acks=all}), a capturing fake in tests.
 */
@FunctionalInterface
interface RecordSender {
  void send(ProducerRecord<String, byte[]> record, Callback callback);
}
