package io.simstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Marks a Testcontainers test: it runs (under Failsafe, in {@code mvn verify}) on the Docker engine
 * and images that scripts/test-docker.sh prepared, and is skipped, saying why, where that engine
 * could not start. Put it before {@code @Testcontainers} so this condition decides first.
 *
 * <p>The build's prepare step writes its outcome to the file named by
 * {@value #STATUS_PROPERTY}: {@code status=ready}, or {@code status=unavailable} with a
 * {@code reason}. Without that file (a run outside {@code mvn verify}), the test runs when some
 * Docker engine answers and holds the local images.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("containers")
@Tag("integration")
@ExtendWith(LocalDocker.Condition.class)
public @interface LocalDocker {
    String STATUS_PROPERTY = "simstream.docker.status";

    final class Condition implements ExecutionCondition {
        private static final String FALLBACK = "(every behaviour here is also covered by a test on the in-JVM broker and the embedded registry)";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String file = System.getProperty(STATUS_PROPERTY);
            if (file != null && Files.isRegularFile(Path.of(file))) {
                Properties status = read(Path.of(file));
                if ("ready".equals(status.getProperty("status"))) {
                    return ConditionEvaluationResult.enabled("local Docker engine ready at " + status.getProperty("docker.host"));
                }
                return ConditionEvaluationResult.disabled("no Docker engine for the container tests: "
                        + status.getProperty("reason", "unknown (see the build log of scripts/test-docker.sh)") + " " + FALLBACK);
            }
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.disabled("no Docker engine reachable (start one with scripts/test-docker.sh start, "
                        + "build the images with scripts/test-docker.sh images, and set DOCKER_HOST as scripts/test-docker.sh env says) "
                        + FALLBACK);
            }
            for (String image : List.of(LocalImages.KAFKA_IMAGE, LocalImages.REGISTRY_IMAGE, LocalImages.SCORER_IMAGE)) {
                if (!hasImage(image)) {
                    return ConditionEvaluationResult.disabled("the Docker engine has no image " + image
                            + " (scripts/test-docker.sh images builds it; nothing is pulled) " + FALLBACK);
                }
            }
            return ConditionEvaluationResult.enabled("Docker engine with the local images");
        }

        private static boolean hasImage(String image) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static Properties read(Path file) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                p.setProperty("status", "unavailable");
                p.setProperty("reason", "cannot read " + file + ": " + e.getMessage());
            }
            return p;
        }
    }
}
