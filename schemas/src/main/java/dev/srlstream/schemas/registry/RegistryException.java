package dev.srlstream.schemas.registry;

/**
 * The schema registry refused a request. Carries the HTTP status and Confluent's {@code error_code}
 * (for example 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid
 * schema).
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;

  public RegistryException(int httpStatus, int errorCode, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = -1;
    this.errorCode = -1;
  }

  /** The HTTP status, or -1 when no response came. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's error code from the response body, or -1 when there was none. */
  public int errorCode() {
    return errorCode;
  }
}
