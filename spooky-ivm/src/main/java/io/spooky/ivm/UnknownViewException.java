package io.spooky.ivm;

/** No view is registered under the given id. */
public final class UnknownViewException extends RuntimeException {
  private final String viewId;

  public UnknownViewException(String viewId) {
    super("no view registered with id " + viewId);
    this.viewId = viewId;
  }

  public String viewId() {
    return viewId;
  }
}
