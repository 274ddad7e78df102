<?xml version="1.0" encoding="UTF-8"?>
<!-- IssuanceRoutesTest: a stand-in layout. The route passes its headers as parameters; the
     発行番号 arrives as X-Kofu-Issue-Number. -->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:param name="X-Kofu-Issue-Number"/>
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:value-of select="concat('layout of ', /certificate/@kind, ' no. ', $X-Kofu-Issue-Number)"/>
  </xsl:template>
</xsl:stylesheet>
