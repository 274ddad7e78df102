<?xml version="1.0" encoding="UTF-8"?>
<!--
  Page geometry and type for every certificate, in one place (DITA-OT "settings" layer).
  A4 portrait; all lengths here so a municipality's print settings change only this file.
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:k="urn:kofu-hub:layout"
                exclude-result-prefixes="xs k">

  <xsl:variable name="page-width">210mm</xsl:variable>
  <xsl:variable name="page-height">297mm</xsl:variable>
  <xsl:variable name="margin-top">12mm</xsl:variable>
  <xsl:variable name="margin-bottom">10mm</xsl:variable>
  <xsl:variable name="margin-side">15mm</xsl:variable>
  <xsl:variable name="footer-extent">10mm</xsl:variable>

  <!-- the font chain comes from the data document, which the hub fills from config/fop.xconf -->
  <xsl:variable name="font-family" select="(/certificate/@font-family, 'IPAexMincho')[1]"/>
  <xsl:variable name="base-size">10pt</xsl:variable>
  <xsl:variable name="small-size">8pt</xsl:variable>
  <xsl:variable name="title-size">20pt</xsl:variable>

  <!-- the 公印: black, at most 25 mm square (STD §5) -->
  <xsl:variable name="seal-size">22mm</xsl:variable>
  <!-- the column the 公印 sits in, a little wider so it does not cover the mayor's name -->
  <xsl:variable name="seal-column">26mm</xsl:variable>

  <!--
    The boxes printed values must fit (STD §5.8). The hub reads this very list before rendering
    (jp.kofuhub.render.FieldBoxes): width of the text area, the lines the value may take, its nominal
    size. A value too wide is shrunk (the data document then says the size, attribute pt), down to
    shrink-min-scale of the nominal size; a value that still does not fit refuses with FIELD_OVERFLOW.
    Table columns are the box width plus the cells' padding on both sides: k:column('member.name').
  -->
  <xsl:variable name="cell-padding-mm" select="1.2"/>
  <xsl:variable name="shrink-min-scale" select="0.7"/>
  <xsl:variable name="boxes">
    <box field="household.address" width="152mm" lines="2" size="10pt"/>
    <box field="household.head" width="152mm" lines="1" size="10pt"/>
    <box field="member.name" width="67mm" lines="1" size="12pt"/>
    <box field="member.kana" width="67mm" lines="1" size="8pt"/>
    <box field="member.alias" width="67mm" lines="1" size="8pt"/>
    <box field="member.relationship" width="51mm" lines="1" size="10pt"/>
    <box field="member.previous-address" width="67mm" lines="2" size="10pt"/>
    <box field="member.honseki" width="67mm" lines="2" size="10pt"/>
    <box field="member.hittosha" width="51mm" lines="1" size="10pt"/>
    <!-- 印鑑登録証明書 (inkan.xsl): the value column, right of the 印影 frame (40mm) and the labels (25mm);
         name and address share that column, so their widths must stay equal -->
    <box field="inkan.name" width="112.6mm" lines="1" size="10pt"/>
    <box field="inkan.address" width="112.6mm" lines="2" size="10pt"/>
    <!-- 所得・課税証明書 (tax.xsl): the value column of the person table, right of the labels (35mm);
         name, address and address on 1 January share that column -->
    <box field="tax.name" width="142.6mm" lines="1" size="10pt"/>
    <box field="tax.address" width="142.6mm" lines="2" size="10pt"/>
    <box field="tax.address-jan1" width="142.6mm" lines="2" size="10pt"/>
  </xsl:variable>

  <!-- the width of a table column holding box $field: the box and the padding on both sides -->
  <xsl:function name="k:column" as="xs:string">
    <xsl:param name="field" as="xs:string"/>
    <xsl:variable name="box" select="$boxes/box[@field = $field]"/>
    <xsl:if test="not($box)">
      <xsl:message terminate="yes">no box <xsl:value-of select="$field"/> in settings.xsl</xsl:message>
    </xsl:if>
    <xsl:sequence select="concat(number(substring-before($box/@width, 'mm')) + 2 * $cell-padding-mm, 'mm')"/>
  </xsl:function>

  <!-- the printout code (printout-code.xsl): its default size, the gap above the 発行番号 line, and the
       placeholder image of its slot (jp.kofuhub.render.PageStamps.SLOT_URI). 50mm: a module of ≥ 3.5 px in
       a 150 dpi scan for codes up to version 15 (docs/interfaces/printout-code.md §1, version 1.1) -->
  <xsl:variable name="printout-code-size">50mm</xsl:variable>
  <xsl:variable name="printout-code-gap-mm" select="1"/>
  <xsl:variable name="printout-code-slot">data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==</xsl:variable>

  <!-- persons on one sheet of a 世帯連記式 住民票 -->
  <xsl:variable name="persons-per-page" select="4"/>
</xsl:stylesheet>
