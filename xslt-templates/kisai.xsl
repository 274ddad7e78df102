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

  <!-- the width of the 住所 and 世帯主 values: the three columns right of the labels -->
  <xsl:variable name="rest-column"
                select="concat(number(substring-before(k:column('member.name'), 'mm')) + 28
                               + number(substring-before(k:column('member.relationship'), 'mm')), 'mm')"/>

  <!-- One block per member: the four-column table of the personal items, then 住所 (and 世帯主) in a
       two-column table right under it, sharing its inner rule. FOP draws the collapsed border of a
       cell spanning three columns twice where the spanned columns meet, so one rule printed thicker
       than the others (issue #18); no cell spans columns now. -->
  <xsl:template match="member">
    <fo:block space-after="3mm" keep-together.within-page="always">
      <xsl:call-template name="code-id"><xsl:with-param name="part" select="concat('member-', @position)"/></xsl:call-template>
    <fo:table xsl:use-attribute-sets="grid" border-after-width="0.4pt">
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
      </fo:table-body>
    </fo:table>
    <fo:table xsl:use-attribute-sets="grid" border-before-style="none">
      <xsl:if test="honseki or hittosha">
        <xsl:attribute name="border-after-width">0.4pt</xsl:attribute>
      </xsl:if>
      <fo:table-column column-width="28mm"/>
      <fo:table-column column-width="{$rest-column}"/>
      <fo:table-body>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住所</xsl:with-param>
            <xsl:with-param name="value" select="/certificate/household/address"/>
          </xsl:call-template>
        </fo:table-row>
        <xsl:if test="/certificate/household/head">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">世帯主</xsl:with-param>
              <xsl:with-param name="value" select="/certificate/household/head"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
      </fo:table-body>
    </fo:table>
    <xsl:if test="honseki or hittosha">
      <fo:table xsl:use-attribute-sets="grid" border-before-style="none">
        <fo:table-column column-width="28mm"/>
        <fo:table-column column-width="{k:column('member.name')}"/>
        <fo:table-column column-width="28mm"/>
        <fo:table-column column-width="{k:column('member.relationship')}"/>
        <fo:table-body>
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
        </fo:table-body>
      </fo:table>
    </xsl:if>
    </fo:block>
  </xsl:template>
</xsl:stylesheet>
