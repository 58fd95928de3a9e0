package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vecgrad.models.data.FashionMnist;
import org.junit.jupiter.api.Test;

/** The library, as a dependency, trains: what a user's own project would check first. */
class FirstModelTest {

    @Test
    void moonsAreLearned() {
        FirstModel.Result r = FirstModel.moons(20);
        assertTrue(r.testAccuracy() > 0.95, "make_moons test accuracy " + r.testAccuracy());
    }

    @Test
    void theToursModelLearnsFashionMnistInOneEpoch() throws Exception {
        assumeTrue(FashionMnist.isPresent(FashionMnist.SYSTEM_DIR), "Fashion-MNIST is not installed");
        FirstModel.Result r = FirstModel.fashionMnist(1);
        assertTrue(r.testAccuracy() > 0.80, "Fashion-MNIST test accuracy " + r.testAccuracy());
        assertTrue(r.trainLoss() < 0.6, "mean training loss " + r.trainLoss());
    }
}
