package dev.srlstream.method.data;

/** Why a reader dropped a record it could read but not turn into an expert solution. */
public enum SkipReason {
  /** No question or task text. */
  NO_QUESTION,
  /** None of the configured solution fields holds text. */
  NO_SOLUTION_TEXT,
  /** The text could not be split into steps (no numbered steps, one paragraph, no tool calls). */
  NO_STEPS,
  /** A numbered step has no action text. */
  EMPTY_STEP,
  /** Another record of the file has the same problem id. */
  DUPLICATE_ID,
  /** A tool call has no function name or arguments that are not JSON. */
  BAD_TOOL_CALL
}
