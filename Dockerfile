# Kofu Hub container image (docs/deploy.md "The image"). Build the jar first, then the image:
#   ./mvnw -B package -DskipTests
#   docker build -t kofu-hub:TAG .
# Stage `base` (docker build --target base -t REGISTRY/kofu-hub-base:17 .) is also the base image of the
# Jib build (./mvnw -Pimage jib:build, pom.xml): Debian 12, OpenJDK 17 JRE, the Mincho fonts from Debian's
# packages, the user kofu (10001) and the hub's folder /opt/kofu-hub with a writable data/.
# The base by digest for a release (docs/deploy.md "Pinning by digest"): a tag is moved by every Debian point
# release, a digest names the bytes that were tested. Look it up when you update it and pass it:
#   docker buildx imagetools inspect debian:bookworm-slim --format '{{json .Manifest.Digest}}'
#   docker build --build-arg DEBIAN_IMAGE=debian:bookworm-slim@sha256:<digest> -t kofu-hub:TAG .
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE} AS base

# fonts-ipamj-mincho: IPAmj Mincho for 文字情報基盤 (MJ) characters at /usr/share/fonts/truetype/ipamj/ipamjm.ttf
# (config/fop.xconf); fonts-ipaexfont-mincho: the system copy of IPAex Mincho (the hub draws with the one in
# fonts/, as config/fop.xconf names it relative to the working directory)
# (man1 exists first: some slim images lack it and the JRE's post-install step needs it)
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless ca-certificates fonts-ipaexfont-mincho fonts-ipamj-mincho \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 kofu \
 && useradd --system --uid 10001 --gid kofu --home-dir /opt/kofu-hub --no-create-home --shell /usr/sbin/nologin kofu \
 && mkdir -p /opt/kofu-hub/data \
 && chown kofu:kofu /opt/kofu-hub/data \
 && chmod 0700 /opt/kofu-hub/data

# Relative paths in config/application.yaml (routes/, config/, xslt-templates/, fonts/, docs/interfaces/,
# data/) resolve against the working directory, as `./kofu serve` runs in the project root.
WORKDIR /opt/kofu-hub
# -Xmx512m as ./kofu; the pod's memory limit (1 GiB) leaves room for metaspace, threads and FOP's buffers.
# JDK_JAVA_OPTIONS is read by the java launcher: a Deployment overrides it without changing the entry point.
ENV JDK_JAVA_OPTIONS="-Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dfile.encoding=UTF-8" \
    HOME=/tmp \
    LANG=C.UTF-8
USER 10001:10001
EXPOSE 8443 9090

FROM base
# the hub only: kofu-hub-exec.jar holds none of the tools (kofu-tools)
COPY --chown=root:root kofu-hub/target/kofu-hub-exec.jar /opt/kofu-hub/kofu-hub.jar
# the stop switch's fast command: java -jar /opt/kofu-hub/kofu-operator.jar suspend --why … (issue #19)
COPY --chown=root:root kofu-hub/target/kofu-hub-operator.jar /opt/kofu-hub/kofu-operator.jar
COPY --chown=root:root routes/ /opt/kofu-hub/routes/
COPY --chown=root:root config/ /opt/kofu-hub/config/
COPY --chown=root:root xslt-templates/ /opt/kofu-hub/xslt-templates/
COPY --chown=root:root fonts/ /opt/kofu-hub/fonts/
COPY --chown=root:root docs/interfaces/ /opt/kofu-hub/docs/interfaces/
# `serve` by default; the hub's other commands run the same way (docker run IMAGE quarantine list)
ENTRYPOINT ["java", "-jar", "/opt/kofu-hub/kofu-hub.jar"]
CMD ["serve"]
