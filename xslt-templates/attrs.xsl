<?xml version="1.0" encoding="UTF-8"?>
<!-- How things look (attribute sets), apart from what goes where (the templates). -->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format">

  <xsl:attribute-set name="base">
    <xsl:attribute name="font-family" select="$font-family"/>
    <xsl:attribute name="font-size" select="$base-size"/>
    <xsl:attribute name="line-height">1.4</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="title">
    <xsl:attribute name="font-size" select="$title-size"/>
    <xsl:attribute name="text-align">center</xsl:attribute>
    <xsl:attribute name="letter-spacing">0.5em</xsl:attribute>
    <xsl:attribute name="space-after">6mm</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="grid">
    <xsl:attribute name="table-layout">fixed</xsl:attribute>
    <xsl:attribute name="width">100%</xsl:attribute>
    <xsl:attribute name="border-collapse">collapse</xsl:attribute>
    <xsl:attribute name="border">0.8pt solid black</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="person-grid" use-attribute-sets="grid">
    <xsl:attribute name="space-after">3mm</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="cell">
    <xsl:attribute name="border">0.4pt solid black</xsl:attribute>
    <xsl:attribute name="padding">1.2mm</xsl:attribute>
    <xsl:attribute name="display-align">center</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="label-cell" use-attribute-sets="cell">
    <xsl:attribute name="background-color">#f2f2f2</xsl:attribute>
    <xsl:attribute name="font-size" select="$small-size"/>
    <xsl:attribute name="text-align">center</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="kana">
    <xsl:attribute name="font-size" select="$small-size"/>
  </xsl:attribute-set>

  <xsl:attribute-set name="name">
    <xsl:attribute name="font-size">12pt</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="certification">
    <xsl:attribute name="space-before">8mm</xsl:attribute>
    <xsl:attribute name="font-size">11pt</xsl:attribute>
    <xsl:attribute name="keep-with-next.within-page">always</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="issuer">
    <xsl:attribute name="font-size">12pt</xsl:attribute>
    <xsl:attribute name="text-align">end</xsl:attribute>
    <xsl:attribute name="space-before">4mm</xsl:attribute>
  </xsl:attribute-set>

  <xsl:attribute-set name="footer">
    <xsl:attribute name="font-size" select="$small-size"/>
    <xsl:attribute name="text-align">end</xsl:attribute>
    <xsl:attribute name="border-top">0.4pt solid black</xsl:attribute>
    <xsl:attribute name="padding-top">1mm</xsl:attribute>
  </xsl:attribute-set>
</xsl:stylesheet>
