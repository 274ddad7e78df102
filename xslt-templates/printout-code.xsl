<?xml version="1.0" encoding="UTF-8"?>
<!--
  The signed 2D code on every page (issue #21, docs/interfaces/printout-code.md), all of its layout in
  this one file: on when the data document's root has @printout-code (from the municipality profile:
  bottom-left or bottom-right) and @printout-code-size (an mm length). The code's square sits in the
  page footer, above the 発行番号 line, in a band the body never reaches, so it never covers the
  認証文 or the 公印; the hub draws the page's code into the slot image once the layout is known
  (jp.kofuhub.render.StampedRendering). The shells mark what a page's code says with "code-id".
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format">

  <xsl:variable name="printout-code" select="string(/certificate/@printout-code)"/>
  <xsl:variable name="printout-code-mm"
                select="if ($printout-code) then number(substring-before((/certificate/@printout-code-size, $printout-code-size)[1], 'mm')) else 0"/>
  <!-- the footer band: the 発行番号 line, and the code above it when on -->
  <xsl:variable name="page-footer-extent"
                select="concat(number(substring-before($footer-extent, 'mm')) + $printout-code-mm + (if ($printout-code) then $printout-code-gap-mm else 0), 'mm')"/>

  <!-- the code's square, first in the footer band -->
  <xsl:template name="printout-code-slot">
    <xsl:if test="$printout-code">
      <xsl:variable name="size" select="concat($printout-code-mm, 'mm')"/>
      <fo:block font-size="0pt" line-height="0pt" space-after="{$printout-code-gap-mm}mm"
                text-align="{if ($printout-code = 'bottom-right') then 'end' else 'start'}">
        <fo:external-graphic src="url('{$printout-code-slot}')" width="{$size}" height="{$size}"
                             content-width="{$size}" content-height="{$size}" scaling="non-uniform"/>
      </fo:block>
    </xsl:if>
  </xsl:template>

  <!-- the FO id telling the renderer that a part of the certificate is on a page (only with the code) -->
  <xsl:template name="code-id">
    <xsl:param name="part"/>
    <xsl:if test="$printout-code">
      <xsl:attribute name="id" select="concat('kofu-code-', $part)"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
