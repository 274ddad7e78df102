<?xml version="1.0" encoding="UTF-8"?>
<!--
  住民票記載事項証明書: the thin shell of this kind. For each chosen member the items the certificate
  states (氏名, 生年月日, 性別, 住所, 住民となった年月日; 世帯主・続柄 and 本籍・筆頭者 when asked for),
  then the shared closing with the 記載事項 wording of the 認証文. Same data document as the 住民票.
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format" xmlns:k="urn:kofu-hub:layout"
                exclude-result-prefixes="k">

  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/certificate">
    <xsl:call-template name="document">
      <xsl:with-param name="title">住民票記載事項証明書</xsl:with-param>
      <xsl:with-param name="body">
        <xsl:apply-templates select="members/member"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="member">
    <fo:table xsl:use-attribute-sets="person-grid" keep-together.within-page="always">
      <xsl:call-template name="code-id"><xsl:with-param name="part" select="concat('member-', @position)"/></xsl:call-template>
      <fo:table-column column-width="28mm"/>
      <fo:table-column column-width="{k:column('member.name')}"/>
      <fo:table-column column-width="28mm"/>
      <fo:table-column column-width="{k:column('member.relationship')}"/>
      <fo:table-body>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">氏名</xsl:with-param>
            <xsl:with-param name="value" select="name"/>
          </xsl:call-template>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">生年月日</xsl:with-param>
            <xsl:with-param name="value" select="birth"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住民となった年月日</xsl:with-param>
            <xsl:with-param name="value" select="became-resident"/>
          </xsl:call-template>
          <xsl:call-template name="cell">
            <xsl:with-param name="label" select="if (relationship) then '性別・続柄' else '性別'"/>
            <xsl:with-param name="value" select="string-join((sex, relationship), '　')"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住所</xsl:with-param>
            <xsl:with-param name="value" select="/certificate/household/address"/>
            <xsl:with-param name="span" select="3"/>
          </xsl:call-template>
        </fo:table-row>
        <xsl:if test="/certificate/household/head">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">世帯主</xsl:with-param>
              <xsl:with-param name="value" select="/certificate/household/head"/>
              <xsl:with-param name="span" select="3"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
        <xsl:if test="honseki or hittosha">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">本籍</xsl:with-param>
              <xsl:with-param name="value" select="honseki"/>
            </xsl:call-template>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">筆頭者</xsl:with-param>
              <xsl:with-param name="value" select="hittosha"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
      </fo:table-body>
    </fo:table>
  </xsl:template>
</xsl:stylesheet>
