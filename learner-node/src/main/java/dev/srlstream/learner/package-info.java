/** The TF Java learner: trains on scored groups and publishes policy versions. */
package dev.srlstream.learner;
