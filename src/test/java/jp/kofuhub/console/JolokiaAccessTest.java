package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JolokiaAccessTest {

    final JolokiaAccess access = new JolokiaAccess(List.of("dump*", "browse*", "canInvoke"));

    private boolean viewerPosts(String json) {
        return access.allowsPost(false, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aViewerReadsListsSearchesAndAsksTheVersion() {
        assertThat(viewerPosts("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}")).isTrue();
        assertThat(viewerPosts("{\"type\":\"LIST\"}")).isTrue();
        assertThat(viewerPosts("{\"type\":\"search\",\"mbean\":\"*:*\"}")).isTrue();
        assertThat(viewerPosts("{\"type\":\"version\"}")).isTrue();
        assertThat(access.allowsGet(false, "/read/java.lang:type=Memory/HeapMemoryUsage", null)).isTrue();
        assertThat(access.allowsGet(false, "", null)).as("no path: version").isTrue();
        assertThat(access.allowsGet(false, null, "/list/java.lang")).isTrue();
    }

    @Test
    void aViewerRunsNoOperationButTheReadOnlyOnesAndWritesNothing() {
        assertThat(viewerPosts("{\"type\":\"exec\",\"mbean\":\"jp.kofuhub:type=CouplingSwitch\","
                + "\"operation\":\"suspend(java.lang.String,java.lang.String)\",\"arguments\":[\"a\",\"b\"]}")).isFalse();
        assertThat(viewerPosts("{\"type\":\"exec\",\"operation\":\"dumpRoutesAsXml()\"}")).isTrue();
        assertThat(viewerPosts("{\"type\":\"exec\",\"operation\":\"canInvoke(java.lang.String)\"}")).isTrue();
        assertThat(viewerPosts("{\"type\":\"exec\",\"operation\":\"canInvokeAll\"}")).as("exact name").isFalse();
        assertThat(viewerPosts("{\"type\":\"exec\",\"operation\":[\"dump\"]}")).isFalse();
        assertThat(viewerPosts("{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\"}")).isFalse();
        assertThat(viewerPosts("{\"type\":\"notification\"}")).isFalse();
        assertThat(viewerPosts("{\"mbean\":\"java.lang:type=Memory\"}")).as("no type").isFalse();
        assertThat(access.allowsGet(false, "/exec/java.lang:type=Memory/gc", null)).isFalse();
        assertThat(access.allowsGet(false, "/read/x", "/exec/java.lang:type=Memory/gc")).as("p wins").isFalse();
        assertThat(access.allowsGet(false, "/write/java.lang:type=Memory/Verbose/true", null)).isFalse();
        assertThat(access.allowsGet(false, "//exec/java.lang:type=Memory/gc", null)).isFalse();
    }

    @Test
    void aBulkRequestIsAllowedOnlyWhenEveryPartIs() {
        String read = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}";
        String exec = "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}";
        assertThat(viewerPosts("[" + read + "," + read + "]")).isTrue();
        assertThat(viewerPosts("[" + read + "," + exec + "]")).isFalse();
        assertThat(viewerPosts("[]")).isFalse();
        assertThat(viewerPosts("[" + read + ",42]")).isFalse();
    }

    @Test
    void whatCannotBeParsedIsRefusedToAViewerAndAnOperatorMayDoAnything() {
        assertThat(viewerPosts("not json")).isFalse();
        assertThat(viewerPosts("")).isFalse();
        assertThat(access.allowsPost(true, "not json".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(access.allowsGet(true, "/exec/java.lang:type=Memory/gc", null)).isTrue();
    }
}
