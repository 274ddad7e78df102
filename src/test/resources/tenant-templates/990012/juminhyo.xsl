<?xml version="1.0" encoding="UTF-8"?>
<!--
  Test-only override for municipality 990012 (テナントB市): its 住民票 is titled 住民票の写し instead of the
  shared 住民票（写し）. An override is a thin shell over the shared one: it imports ../juminhyo.xsl and
  redefines only what differs, here one variable. The hub picks xslt-templates/<団体コード>/<kind>.xsl
  when it exists (jp.kofuhub.render.CertificateTemplates); golden file
  src/test/resources/golden/juminhyo-household-990012.fo (XsltGoldenTest).
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../juminhyo.xsl"/>

  <xsl:variable name="juminhyo-title">住民票の写し</xsl:variable>
</xsl:stylesheet>
