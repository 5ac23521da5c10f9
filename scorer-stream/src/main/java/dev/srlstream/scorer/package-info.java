/**
 * The scorer: a Kafka Streams topology that joins rollout steps with expert steps, rewards them,
 * assembles groups, computes GRPO advantages and applies dynamic sampling.
 */
package dev.srlstream.scorer;
