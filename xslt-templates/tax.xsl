<?xml version="1.0" encoding="UTF-8"?>
<!--
  所得証明書 / 課税(非課税)証明書 / 所得・課税証明書: the thin shell of the tax kinds. The person, then
  the income part and the levy part when the data document has them; the title comes with the data.
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format" xmlns:k="urn:kofu-hub:layout"
                exclude-result-prefixes="k">

  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/certificate">
    <xsl:call-template name="document">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="body">
        <fo:block text-align="center" space-after="4mm">
          <xsl:value-of select="tax/year"/>（<xsl:value-of select="tax/income-year"/>の所得）
        </fo:block>
        <xsl:apply-templates select="tax/person"/>
        <xsl:apply-templates select="tax/income"/>
        <xsl:apply-templates select="tax/levy"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="person">
    <fo:table xsl:use-attribute-sets="grid" space-after="4mm">
      <xsl:call-template name="code-id"><xsl:with-param name="part">main</xsl:with-param></xsl:call-template>
      <!-- fixed widths adding up to the 180mm content width: the value column is the box name and
           addresses are fitted to (settings.xsl, tax.name / tax.address / tax.address-jan1) -->
      <fo:table-column column-width="35mm"/>
      <fo:table-column column-width="{k:column('tax.name')}"/>
      <fo:table-body>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">氏名</xsl:with-param>
            <xsl:with-param name="value" select="name"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">生年月日</xsl:with-param>
            <xsl:with-param name="value" select="birth"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">住所</xsl:with-param>
            <xsl:with-param name="value" select="address"/>
          </xsl:call-template>
        </fo:table-row>
        <fo:table-row>
          <xsl:call-template name="cell">
            <xsl:with-param name="label">1月1日現在の住所</xsl:with-param>
            <xsl:with-param name="value" select="address-jan1"/>
          </xsl:call-template>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template name="amounts">
    <xsl:param name="heading"/>
    <xsl:param name="rows"/>
    <xsl:param name="code-part"/>
    <fo:block font-size="11pt" space-before="2mm" space-after="1mm"><xsl:value-of select="$heading"/></fo:block>
    <fo:table xsl:use-attribute-sets="grid" space-after="4mm">
      <xsl:call-template name="code-id"><xsl:with-param name="part" select="$code-part"/></xsl:call-template>
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="50mm"/>
      <fo:table-body>
        <xsl:for-each select="$rows">
          <fo:table-row>
            <fo:table-cell xsl:use-attribute-sets="label-cell" text-align="start">
              <fo:block><xsl:value-of select="@label"/></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="cell" text-align="end">
              <fo:block><xsl:value-of select="."/></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template match="income">
    <xsl:call-template name="amounts">
      <xsl:with-param name="heading">所得の状況</xsl:with-param>
      <xsl:with-param name="code-part">income</xsl:with-param>
      <xsl:with-param name="rows" as="element()*">
        <row label="給与所得"><xsl:value-of select="salary"/></row>
        <row label="公的年金等所得"><xsl:value-of select="pension"/></row>
        <row label="事業所得"><xsl:value-of select="business"/></row>
        <row label="その他の所得"><xsl:value-of select="other"/></row>
        <row label="合計所得金額"><xsl:value-of select="total"/></row>
        <row label="所得控除額合計"><xsl:value-of select="deductions"/></row>
        <row label="課税標準額"><xsl:value-of select="taxable"/></row>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="levy">
    <xsl:call-template name="amounts">
      <xsl:with-param name="heading" select="if (@non-taxed = 'true') then '課税の状況（非課税）' else '課税の状況'"/>
      <xsl:with-param name="code-part">levy</xsl:with-param>
      <xsl:with-param name="rows" as="element()*">
        <row label="市町村民税　均等割額"><xsl:value-of select="city-per-capita"/></row>
        <row label="市町村民税　所得割額"><xsl:value-of select="city-income"/></row>
        <row label="道府県民税　均等割額"><xsl:value-of select="pref-per-capita"/></row>
        <row label="道府県民税　所得割額"><xsl:value-of select="pref-income"/></row>
        <row label="年税額合計"><xsl:value-of select="total"/></row>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
