/**
 * The reward's pure core: CPython-exact sequence similarity ({@link
 * dev.srlstream.method.reward.SequenceSimilarity}), the response format ({@link
 * dev.srlstream.method.reward.ResponseParser}) and the reward functions of SRL, the holistic
 * ablation and RLVR ({@link dev.srlstream.method.reward.RewardFunction}). No Kafka here.
 */
package dev.srlstream.method.reward;
