package io.spooky.devdb;

import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link DevSurreal}; register it through that annotation.
 *
 * <p>Resolves {@link DevSurrealEndpoint} parameters. The {@link DevDbProcess} is started lazily,
 * once per test JVM, and kept in the root context's store, which closes it when the test plan
 * finishes. Each test class (each {@code @Nested} class too) gets the namespace {@code test} and a
 * database named after the class with a random suffix, kept in that class's store.
 */
public final class DevSurrealExtension implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(DevSurrealExtension.class);
  private static final String SERVER_KEY = "server";
  private static final String ENDPOINT_KEY = "endpoint";
  private static final String TEST_NAMESPACE = "test";

  /** JUnit instantiates the extension. */
  public DevSurrealExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DevSurrealEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ENDPOINT_KEY, key -> newEndpoint(classContext), DevSurrealEndpoint.class);
  }

  private static DevSurrealEndpoint newEndpoint(ExtensionContext classContext) {
    DevDbProcess db = server(classContext.getRoot());
    String database =
        databaseName(classContext.getRequiredTestClass().getSimpleName())
            + "_"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    return new DevSurrealEndpoint(
        db.rpcUrl(), db.httpUrl(), TEST_NAMESPACE, database, db.username(), db.password());
  }

  private static DevDbProcess server(ExtensionContext root) {
    return root.getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SERVER_KEY,
            key -> new RunningServer(DevDbProcess.builder().start()),
            RunningServer.class)
        .db();
  }

  /** The context of the class the test (method, constructor, lifecycle method) belongs to. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() || c.getTestClass().isEmpty()) {
      c =
          c.getParent()
              .orElseThrow(
                  () ->
                      new ParameterResolutionException(
                          "DevSurrealEndpoint can only be injected inside a test class"));
    }
    return c;
  }

  /** A SurrealDB identifier from a class name: lower case letters, digits and underscores. */
  static String databaseName(String className) {
    String name = className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "t_" + name : name;
  }

  /** Stops the shared server when JUnit closes the root store. */
  private record RunningServer(DevDbProcess db)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      db.close();
    }
  }
}
