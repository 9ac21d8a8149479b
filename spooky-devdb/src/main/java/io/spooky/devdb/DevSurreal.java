package io.spooky.devdb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a real SurrealDB: parameters of type {@link DevSurrealEndpoint} in
 * test methods, constructors and {@code @BeforeAll}/{@code @BeforeEach}/{@code @AfterEach}/{@code
 * AfterAll} methods are injected.
 *
 * <pre>{@code
 * @DevSurreal
 * class OrdersTest {
 *   @Test
 *   void createsAnOrder(DevSurrealEndpoint db) {
 *     try (var client = connect(db.rpcUrl(), db.username(), db.password())) {
 *       client.use(db.namespace(), db.database());
 *       ...
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>One dev SurrealDB ({@link DevDbProcess}) serves the whole test JVM: it starts on first use on
 * a free loopback port and stops when JUnit finishes. Every test class gets a namespace/database
 * pair of its own; methods of one class share it.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DevSurrealExtension.class)
public @interface DevSurreal {}
