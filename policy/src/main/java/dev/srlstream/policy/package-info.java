/** The TF Java policy: tokenizer, transformer, KV-cache sampler and weights codec (no Kafka). */
package dev.srlstream.policy;
