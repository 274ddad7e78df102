<?xml version="1.0" encoding="UTF-8"?>
<!--
  住民票の写し: the thin shell of this kind. Address (and head of household when asked for), then each
  chosen member in the order the hub gives (standard household order): four to a sheet in the
  世帯連記式 layout, one to a sheet in the 個人票 layout (the municipality's profile says which).
  Printed values sit in the boxes of settings.xsl (k:column) and are printed in mode "fit".
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format" xmlns:k="urn:kofu-hub:layout"
                exclude-result-prefixes="k">

  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="per-sheet" select="if (/certificate/@layout = 'KOJIN') then 1 else $persons-per-page"/>

  <!-- the title; a municipality's own shell (xslt-templates/<団体コード>/juminhyo.xsl) may redefine it -->
  <xsl:variable name="juminhyo-title">住民票（写し）</xsl:variable>

  <xsl:template match="/certificate">
    <xsl:call-template name="document">
      <xsl:with-param name="title" select="string($juminhyo-title)"/>
      <xsl:with-param name="body">
        <xsl:for-each-group select="members/member" group-adjacent="(position() - 1) idiv $per-sheet">
          <fo:block>
            <xsl:if test="current-grouping-key() gt 0">
              <xsl:attribute name="break-before">page</xsl:attribute>
            </xsl:if>
            <xsl:apply-templates select="/certificate/household"/>
            <xsl:apply-templates select="current-group()"/>
          </fo:block>
        </xsl:for-each-group>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="household">
    <fo:table xsl:use-attribute-sets="grid" space-after="4mm">
      <fo:table-column column-width="25mm"/>
      <fo:table-column column-width="{k:column('household.address')}"/>
      <fo:table-body>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住所</xsl:with-param>
            <xsl:with-param name="value" select="address"/>
          </xsl:call-template>
        </fo:table-row>
        <xsl:if test="head">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">世帯主</xsl:with-param>
              <xsl:with-param name="value" select="head"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
      </fo:table-body>
    </fo:table>
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
          <fo:table-cell xsl:use-attribute-sets="label-cell" number-rows-spanned="2">
            <fo:block>氏名</fo:block>
          </fo:table-cell>
          <fo:table-cell xsl:use-attribute-sets="cell" number-rows-spanned="2">
            <fo:block xsl:use-attribute-sets="kana"><xsl:apply-templates select="kana" mode="fit"/></fo:block>
            <fo:block xsl:use-attribute-sets="name"><xsl:apply-templates select="name" mode="fit"/></fo:block>
            <xsl:if test="tsusho">
              <fo:block xsl:use-attribute-sets="kana">通称　<xsl:apply-templates select="tsusho" mode="fit"/></fo:block>
            </xsl:if>
            <xsl:if test="kyu-uji">
              <fo:block xsl:use-attribute-sets="kana">旧氏　<xsl:apply-templates select="kyu-uji" mode="fit"/></fo:block>
            </xsl:if>
          </fo:table-cell>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">生年月日</xsl:with-param>
            <xsl:with-param name="value" select="birth"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:choose>
            <xsl:when test="relationship">
              <fo:table-cell xsl:use-attribute-sets="label-cell"><fo:block>性別・続柄</fo:block></fo:table-cell>
              <fo:table-cell xsl:use-attribute-sets="cell">
                <fo:block><xsl:value-of select="sex"/>　<xsl:apply-templates select="relationship" mode="fit"/></fo:block>
              </fo:table-cell>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="cell">
                <xsl:with-param name="label">性別</xsl:with-param>
                <xsl:with-param name="value" select="sex"/>
              </xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住民となった年月日</xsl:with-param>
            <xsl:with-param name="value" select="became-resident"/>
          </xsl:call-template>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住所を定めた年月日</xsl:with-param>
            <xsl:with-param name="value" select="address-since"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">前住所</xsl:with-param>
            <xsl:with-param name="value" select="previous-address"/>
          </xsl:call-template>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">届出日</xsl:with-param>
            <xsl:with-param name="value" select="notified"/>
          </xsl:call-template>
        </fo:table-row>
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
        <xsl:if test="juminhyo-code or my-number">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">住民票コード</xsl:with-param>
              <xsl:with-param name="value" select="juminhyo-code"/>
            </xsl:call-template>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">個人番号</xsl:with-param>
              <xsl:with-param name="value" select="my-number"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
        <xsl:if test="@type = 'F'">
          <fo:table-row>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">国籍・地域</xsl:with-param>
              <xsl:with-param name="value" select="nationality"/>
            </xsl:call-template>
            <xsl:call-template name="cell">
              <xsl:with-param name="label">在留資格</xsl:with-param>
              <xsl:with-param name="value" select="string-join((residence-status, if (residence-period-end) then concat('（満了日 ', residence-period-end, '）') else ()), '')"/>
            </xsl:call-template>
          </fo:table-row>
        </xsl:if>
      </fo:table-body>
    </fo:table>
  </xsl:template>
</xsl:stylesheet>
