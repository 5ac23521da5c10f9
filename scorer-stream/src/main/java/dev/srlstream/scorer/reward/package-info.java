/**
 * The reward's pure core: CPython-exact sequence similarity ({@link
 * dev.srlstream.scorer.reward.SequenceSimilarity}), the response format ({@link
 * dev.srlstream.scorer.reward.ResponseParser}) and the reward functions of SRL, the holistic
 * ablation and RLVR ({@link dev.srlstream.scorer.reward.RewardFunction}). No Kafka here.
 */
package dev.srlstream.scorer.reward;
