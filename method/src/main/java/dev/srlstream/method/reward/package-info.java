/**
 * The reward's pure core: CPython-exact sequence similarity ({@link
 * dev.srlstream.method.reward.SequenceSimilarity}), and the reward functions of SRL, the holistic
 * ablation and RLVR ({@link dev.srlstream.method.reward.RewardFunction}). Responses are read by
 * {@link dev.srlstream.method.format.ResponseParser}. No Kafka here.
 */
package dev.srlstream.method.reward;
