<?xml version="1.0" encoding="UTF-8"?>
<!--
  印鑑登録証明書: the thin shell of this kind. The registered seal image (印影) in its frame, the
  registration number and the holder's items, then the shared closing (認証文, date, issuer, 公印).
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format" xmlns:k="urn:kofu-hub:layout"
                exclude-result-prefixes="k">

  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- the frame the 印影 is printed in; the impression prints at its real size (registration/@width-mm,
       @height-mm), at most impression-max (InkanDocument.IMPRESSION_MAX_MM refuses a larger one) -->
  <xsl:variable name="impression-box">40mm</xsl:variable>
  <xsl:variable name="impression-max">35mm</xsl:variable>

  <xsl:template match="/certificate">
    <xsl:call-template name="document">
      <xsl:with-param name="title">印鑑登録証明書</xsl:with-param>
      <xsl:with-param name="body">
        <fo:table xsl:use-attribute-sets="grid">
          <xsl:call-template name="code-id"><xsl:with-param name="part">main</xsl:with-param></xsl:call-template>
          <!-- fixed widths adding up to the 180mm content width: the value column is the box name and
               address are fitted to (settings.xsl, inkan.name / inkan.address) -->
          <fo:table-column column-width="{$impression-box}"/>
          <fo:table-column column-width="25mm"/>
          <fo:table-column column-width="{k:column('inkan.name')}"/>
          <fo:table-body>
            <fo:table-row>
              <fo:table-cell xsl:use-attribute-sets="cell" number-rows-spanned="5" text-align="center">
                <fo:block xsl:use-attribute-sets="kana">印影</fo:block>
                <fo:block>
                  <fo:external-graphic src="url('{registration/@image}')"
                                       content-width="{registration/@width-mm}mm" content-height="{registration/@height-mm}mm"
                                       width="{registration/@width-mm}mm" height="{registration/@height-mm}mm" scaling="non-uniform"/>
                </fo:block>
              </fo:table-cell>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">登録番号</xsl:with-param>
                <xsl:with-param name="value" select="registration/@number"/>
              </xsl:call-template>
            </fo:table-row>
            <fo:table-row>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">氏名</xsl:with-param>
                <xsl:with-param name="value" select="person/name"/>
              </xsl:call-template>
            </fo:table-row>
            <fo:table-row>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">生年月日</xsl:with-param>
                <xsl:with-param name="value" select="person/birth"/>
              </xsl:call-template>
            </fo:table-row>
            <fo:table-row>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">性別</xsl:with-param>
                <xsl:with-param name="value" select="person/sex"/>
              </xsl:call-template>
            </fo:table-row>
            <fo:table-row>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">住所</xsl:with-param>
                <xsl:with-param name="value" select="person/address"/>
              </xsl:call-template>
            </fo:table-row>
          </fo:table-body>
        </fo:table>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
