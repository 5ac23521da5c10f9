/** The Vert.x actor service: turns tasks into rollout steps with the current policy version. */
package dev.srlstream.actor;
