package io.simstream.lifecycle;

import io.simstream.UserInputException;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a model artifact named on the command line: the file itself or a directory holding model.simstream. */
public final class ModelFiles {
    public static final String ARTIFACT_NAME = "model.simstream";

    private ModelFiles() {
    }

    public static ModelArtifact read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(ARTIFACT_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("model file " + file + " does not exist");
        }
        try {
            return ModelArtifact.read(file);
        } catch (IOException e) {
            throw new UserInputException("cannot read model file " + file + ": " + e.getMessage(), e);
        } catch (InvalidModelException e) {
            throw new UserInputException("model file " + file + " is not a valid model: " + e.getMessage(), e);
        }
    }
}
