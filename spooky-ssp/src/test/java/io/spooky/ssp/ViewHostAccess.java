package io.spooky.ssp;

/** Exposes package-private {@link ViewHost} helpers to tests in other packages. */
public final class ViewHostAccess {
  private ViewHostAccess() {}

  public static String keysetBound(String table, String idText) {
    return ViewHost.keysetBound(table, idText);
  }
}
