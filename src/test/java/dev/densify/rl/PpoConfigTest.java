package dev.densify.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.attribution.FeatureSelection;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PpoConfigTest {

    private static IllegalArgumentException rejected(Map<String, ?> change) {
        return assertThrows(IllegalArgumentException.class, () -> PpoConfig.defaults().with(change));
    }

    @Test
    void badConfigurationsFailBeforeAnyWork() {
        assertTrue(rejected(Map.of("batchSize", 10, "minibatchSize", 4)).getMessage().contains("divisible"));
        assertTrue(rejected(Map.of("gamma", 1.5)).getMessage().contains("gamma"));
        assertTrue(rejected(Map.of("lam", -0.1)).getMessage().contains("lam"));
        assertTrue(rejected(Map.of("steps", 0)).getMessage().contains("steps"));
        assertTrue(rejected(Map.of("topP", 0.0)).getMessage().contains("topP"));
    }

    @Test
    void jsonOverridesByNameAndRejectsUnknownKeys() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PpoConfig c = PpoConfig.fromJson(json.readTree("{\"steps\": 7, \"klEstimator\": \"k3\", \"gamma\": 0.99}"),
                PpoConfig.defaults(), "test");
        assertEquals(7, c.steps());
        assertEquals(KlEstimator.K3, c.klEstimator());
        assertEquals(0.99, c.gamma());
        var unknown = assertThrows(IllegalArgumentException.class, () -> PpoConfig.fromJson(
                json.readTree("{\"stepz\": 7}"), PpoConfig.defaults(), "test"));
        assertTrue(unknown.getMessage().contains("stepz"), unknown.getMessage());
        var type = assertThrows(IllegalArgumentException.class, () -> PpoConfig.fromJson(
                json.readTree("{\"steps\": \"many\"}"), PpoConfig.defaults(), "test"));
        assertTrue(type.getMessage().contains("steps"), type.getMessage());
        assertEquals(PpoConfig.defaults(), PpoConfig.fromJson(PpoConfig.defaults().toJson(), PpoConfig.defaults(), "x"));
        assertEquals(FeatureSelection.none(), PpoConfig.defaults().shapSelection());
        PpoConfig selected = PpoConfig.fromJson(json.readTree("{\"shapSelection\": \"top:3\"}"), PpoConfig.defaults(), "t");
        assertEquals(FeatureSelection.top(3), selected.shapSelection());
        assertEquals("top:3", selected.toJson().get("shapSelection").textValue());
        assertEquals(selected, PpoConfig.fromJson(selected.toJson(), PpoConfig.defaults(), "x"));
        assertEquals(FeatureSelection.bic(), PpoConfig.defaults().with(Map.of("shapSelection", "bic")).shapSelection());
        for (String bad : new String[]{"{\"shapSelection\": \"lasso\"}", "{\"shapSelection\": 3}"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> PpoConfig.fromJson(json.readTree(bad),
                    PpoConfig.defaults(), "cfg.json"));
            assertTrue(e.getMessage().startsWith("cfg.json: shapSelection") && e.getMessage().contains("top:K"),
                    e.getMessage());
        }
    }
}
