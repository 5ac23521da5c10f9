package dev.srlstream.schemas.registry;

/** The schema registry could not be reached after the bounded retries. */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
