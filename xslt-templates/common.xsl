<?xml version="1.0" encoding="UTF-8"?>
<!--
  Structure shared by every certificate kind: the page master, the footer with the 発行番号 and
  page/total on every page, the 認証文 with date and issuer line and 公印 (on the last page only:
  a kind's shell calls "closing" once, after its body).
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format">

  <xsl:import href="settings.xsl"/>
  <xsl:include href="attrs.xsl"/>
  <xsl:include href="printout-code.xsl"/>

  <!-- the 発行番号, given by the hub for each copy (a Camel header of the same name) -->
  <xsl:param name="X-Kofu-Issue-Number" select="''"/>

  <xsl:template name="document">
    <xsl:param name="title"/>
    <xsl:param name="body"/>
    <fo:root xsl:use-attribute-sets="base">
      <fo:layout-master-set>
        <fo:simple-page-master master-name="a4" page-width="{$page-width}" page-height="{$page-height}"
                               margin-top="{$margin-top}" margin-bottom="{$margin-bottom}"
                               margin-left="{$margin-side}" margin-right="{$margin-side}">
          <!-- a band under the top margin left free for the centre's anti-forgery overlay, if asked -->
          <fo:region-body margin-bottom="{$page-footer-extent}">
            <xsl:if test="/certificate/@anti-forgery-band">
              <xsl:attribute name="margin-top" select="/certificate/@anti-forgery-band"/>
            </xsl:if>
          </fo:region-body>
          <fo:region-after extent="{$page-footer-extent}"/>
        </fo:simple-page-master>
      </fo:layout-master-set>
      <fo:page-sequence master-reference="a4">
        <fo:static-content flow-name="xsl-region-after">
          <xsl:call-template name="printout-code-slot"/>
          <fo:block xsl:use-attribute-sets="footer">
            <xsl:text>発行番号 </xsl:text>
            <xsl:value-of select="$X-Kofu-Issue-Number"/>
            <xsl:text>　（</xsl:text>
            <fo:page-number/>
            <xsl:text>/</xsl:text>
            <fo:page-number-citation-last ref-id="certificate-end"/>
            <xsl:text>）</xsl:text>
          </fo:block>
        </fo:static-content>
        <fo:flow flow-name="xsl-region-body">
          <fo:block xsl:use-attribute-sets="title">
            <xsl:value-of select="$title"/>
          </fo:block>
          <xsl:copy-of select="$body"/>
          <xsl:call-template name="closing"/>
          <fo:block id="certificate-end"/>
        </fo:flow>
      </fo:page-sequence>
    </fo:root>
  </xsl:template>

  <!-- 認証文, date, issuer line and seal, kept together on the last page, and kept with the content
       before them (the last member block): a page never holds the 認証文 alone (issue #18) -->
  <xsl:template name="closing">
    <fo:block-container keep-together.within-page="always" keep-with-previous.within-page="always">
      <fo:block xsl:use-attribute-sets="certification">
        <xsl:value-of select="/certificate/certification"/>
      </fo:block>
      <fo:block space-before="4mm">
        <xsl:value-of select="/certificate/issue/date"/>
      </fo:block>
      <xsl:apply-templates select="/certificate/issuer"/>
    </fo:block-container>
  </xsl:template>

  <xsl:template match="issuer">
    <fo:table table-layout="fixed" width="100%" space-before="2mm">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="{$seal-column}"/>
      <fo:table-body>
        <fo:table-row>
          <fo:table-cell display-align="center">
            <fo:block xsl:use-attribute-sets="issuer">
              <xsl:value-of select="prefecture"/>
              <xsl:value-of select="title"/>
              <xsl:text>　</xsl:text>
              <xsl:value-of select="mayor"/>
            </fo:block>
          </fo:table-cell>
          <fo:table-cell>
            <fo:block text-align="end">
              <fo:external-graphic src="url('{@seal}')" content-width="{$seal-size}" content-height="{$seal-size}"
                                   width="{$seal-size}" height="{$seal-size}" scaling="uniform"/>
            </fo:block>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <!-- a label cell and a value cell -->
  <xsl:template name="cell">
    <xsl:param name="label"/>
    <xsl:param name="value"/>
    <xsl:param name="span" select="1"/>
    <fo:table-cell xsl:use-attribute-sets="label-cell">
      <fo:block><xsl:value-of select="$label"/></fo:block>
    </fo:table-cell>
    <fo:table-cell xsl:use-attribute-sets="cell" number-columns-spanned="{$span}">
      <fo:block>
        <xsl:choose>
          <xsl:when test="$value instance of node()+">
            <xsl:apply-templates select="$value" mode="fit"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="$value"/>
          </xsl:otherwise>
        </xsl:choose>
      </fo:block>
    </fo:table-cell>
  </xsl:template>

  <!-- a printed value: at the size the hub chose when it had to shrink it to fit its box (@pt) -->
  <xsl:template match="*" mode="fit">
    <xsl:choose>
      <xsl:when test="@pt">
        <fo:inline font-size="{@pt}pt"><xsl:call-template name="kept"/></fo:inline>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="kept"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="text() | @*" mode="fit">
    <xsl:call-template name="kept"/>
  </xsl:template>

  <!-- An address number with its suffix (１丁目２番地３, ２−１０１号室) never breaks across lines, so 「号」,
       「室」 or a last digit never sits alone on a line (issue #18). The same pattern is jp.kofuhub.render.TextMeasure.KEPT,
       which measures the lines a value takes (FieldFitTest holds them equal). -->
  <xsl:variable name="kept-pattern" select="'([0-9０-９]+(丁目|番地の|番地|番の|番|号室|号|室|階|棟|[−－‐\-]))*[0-9０-９]+(丁目|番地|番|号室|号|室|階|棟)?'"/>

  <xsl:template name="kept">
    <xsl:param name="text" select="string(.)"/>
    <xsl:analyze-string select="$text" regex="{$kept-pattern}">
      <xsl:matching-substring>
        <fo:inline keep-together.within-line="always"><xsl:value-of select="."/></fo:inline>
      </xsl:matching-substring>
      <xsl:non-matching-substring>
        <xsl:value-of select="."/>
      </xsl:non-matching-substring>
    </xsl:analyze-string>
  </xsl:template>
</xsl:stylesheet>
